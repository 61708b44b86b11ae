// Intentionally empty: SwiftPM needs one source file to make CLibFuzzer.h a module.
