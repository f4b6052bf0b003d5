#if canImport(Glibc)
import Glibc
#endif

// The composition root: with no command, the console; with one, run it.
if let request = ConsoleLaunch.parse(CommandLine.arguments) {
    exit(ConsoleLaunch.run(request))
}
exit(CommandLineApp.run(CommandLine.arguments, io: .live))
