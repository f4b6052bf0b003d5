#if canImport(Glibc)
import Glibc
#endif

// The composition root: with no command, the console (on a terminal); with one, run it.
// why the tty check: a script running bare `paydesk` keeps getting the overview, as before.
if let request = ConsoleLaunch.parse(CommandLine.arguments), CommandLine.arguments.count > 1 || ConsoleLaunch.hasTerminal {
    exit(ConsoleLaunch.run(request))
}
exit(CommandLineApp.run(CommandLine.arguments, io: .live))
