#if canImport(Glibc)
import Glibc
#endif

// The composition root: with a command, run it; the console comes with its own issue.
exit(CommandLineApp.run(CommandLine.arguments, io: .live))
