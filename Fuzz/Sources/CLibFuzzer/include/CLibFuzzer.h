// libFuzzer's driver entry point (compiler-rt). SwiftPM links every executable with its own
// renamed main, which wins over libFuzzer's; so each target exports LLVMFuzzerTestOneInput
// (libFuzzer's archive references it) and its main hands control to LLVMFuzzerRunDriver.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
