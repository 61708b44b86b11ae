// OpenSSL libcrypto, used on the packet path for in-place ChaCha20-Poly1305 with reused
// EVP contexts (swift-crypto's API allocates per call; see docs/ARCHITECTURE.md).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/err.h>
