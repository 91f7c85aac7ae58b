/*
 * SHA-256 of many 16 KiB blocks in one call: the leaf layer of Shoal's hash tree (BEP 52).
 *
 * Node's crypto.hash() costs ~3-4 us of call overhead per message, about a fifth of the time a
 * 16 KiB leaf takes, and no maintained package hashes many messages of that size in one native
 * call. This addon does, with the SHA-256 instructions of x86 (SHA-NI) and of 64-bit ARM (the
 * ARMv8 crypto extension: Apple Silicon, most ARM servers and phones). It hashes only: reading files,
 * the inner nodes and every decision stay in TypeScript (src-main/core/hashing/leaf-hasher.ts),
 * which falls back to node:crypto when the addon is missing or the CPU has no SHA-NI.
 *
 * Exports: supported() -> boolean; hashLeaves(input: Uint8Array, output: Uint8Array) -> void,
 * where output[32 i, 32 i + 32) = SHA-256(input[16384 i, min(16384 (i + 1), input.length)));
 * checkPiece(data: Uint8Array, leaves: number, expected: Uint8Array) -> Promise<boolean>: whether
 * the root of data's leaf hashes, padded with zero hashes to `leaves` (a power of two), is
 * `expected`, computed on libuv's thread pool. A download checks every piece so, with no thread
 * of its own to start and no message per piece; `data` must not change until the promise settles.
 * hashFile(path, start, end, expectedSize, headBytes, minPiece, maxPiece, targetPieces) ->
 * Promise: a shared file's piece nodes (or a part's), hashed on the thread pool as a hash worker
 * would (src-main/core/hashing/file-hasher.ts does the same in TypeScript; thread-pool-hasher.ts
 * is the caller and says what it answers). Not on Windows: there the worker pool hashes files.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>
#endif

#define LEAF_BYTES 16384

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The last blocks of a message of `len` bytes: its bytes after the whole blocks, 0x80, zeros, and
 * the length in bits as a big-endian 64-bit number. Returns how many blocks (1 or 2). */
static size_t final_blocks(uint8_t tail[128], const uint8_t *msg, size_t len) {
  size_t whole = len / 64, rest = len - whole * 64;
  memset(tail, 0, 128);
  memcpy(tail, msg + whole * 64, rest);
  tail[rest] = 0x80;
  size_t blocks = rest < 56 ? 1 : 2;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) tail[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
  return blocks;
}

/* The digest: H0..H7, each big-endian. */
static void write_big_endian(const uint32_t h[8], uint8_t *out) {
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(h[i] >> 24);
    out[4 * i + 1] = (uint8_t)(h[i] >> 16);
    out[4 * i + 2] = (uint8_t)(h[i] >> 8);
    out[4 * i + 3] = (uint8_t)h[i];
  }
}

#if defined(__x86_64__) || defined(_M_X64)
#define HAVE_X86 1
#include <immintrin.h>
#if defined(_MSC_VER)
#include <intrin.h>
#define TARGET_SHA
#else
#include <cpuid.h>
#define TARGET_SHA __attribute__((target("sha,sse4.1,ssse3")))
#endif

static int cpu_has_sha(void) {
#if defined(_MSC_VER)
  int r[4];
  __cpuidex(r, 0, 0);
  if (r[0] < 7) return 0;
  __cpuidex(r, 1, 0);
  int sse41 = (r[2] >> 19) & 1, ssse3 = (r[2] >> 9) & 1;
  __cpuidex(r, 7, 0);
  return sse41 && ssse3 && ((r[1] >> 29) & 1);
#else
  unsigned a, b, c, d;
  if (__get_cpuid_max(0, 0) < 7) return 0;
  __cpuid(1, a, b, c, d);
  int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
  __cpuid_count(7, 0, a, b, c, d);
  return sse41 && ssse3 && ((b >> 29) & 1);
#endif
}

/* Runs the compression function over `blocks` 64-byte blocks. State is kept as SHA-NI wants it:
 * s0 = ABEF, s1 = CDGH. */
TARGET_SHA static void compress(__m128i *s0p, __m128i *s1p, const uint8_t *data, size_t blocks) {
  const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i s0 = *s0p, s1 = *s1p;
  for (; blocks > 0; blocks--, data += 64) {
    const __m128i save0 = s0, save1 = s1;
    __m128i w[4];
    for (int j = 0; j < 16; j++) {
      __m128i x;
      if (j < 4) x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * j)), swap);
      /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time, in a ring of four. */
      else x = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w[j & 3], w[(j + 1) & 3]), _mm_alignr_epi8(w[(j + 3) & 3], w[(j + 2) & 3], 4)), w[(j + 3) & 3]);
      w[j & 3] = x;
      __m128i m = _mm_add_epi32(x, _mm_loadu_si128((const __m128i *)&K[4 * j]));
      s1 = _mm_sha256rnds2_epu32(s1, s0, m);
      s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0e));
    }
    s0 = _mm_add_epi32(s0, save0);
    s1 = _mm_add_epi32(s1, save1);
  }
  *s0p = s0;
  *s1p = s1;
}

/* Four rounds of two messages at once: the j-th group of message words (loaded for j < 4, else
 * W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time, in a ring of four), then
 * two SHA256RNDS2 per message. A macro with a constant j, not a loop: the ring indices are then
 * constants and both rings stay in registers whatever the compiler. As a loop, GCC kept them on
 * the stack and indexed them at run time; the loads and stores of that stack then collided with
 * the leaves' own bytes (4 KiB aliasing, depending on where the stack happened to be), and the
 * speed swung between 1.4 and 2.0 GB/s from one run to the next. Unrolled: 2.0-2.5 GB/s here,
 * against 1.6 GB/s for OpenSSL's SHA256() (docs/benchmarks.md). */
#define ROUNDS_2X(j)                                                                                                              \
  do {                                                                                                                            \
    __m128i xa, xb;                                                                                                               \
    if ((j) < 4) {                                                                                                                \
      xa = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(da + 16 * (j))), swap);                                             \
      xb = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(db + 16 * (j))), swap);                                             \
    } else {                                                                                                                      \
      xa = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(wa[(j) & 3], wa[((j) + 1) & 3]), _mm_alignr_epi8(wa[((j) + 3) & 3], wa[((j) + 2) & 3], 4)), wa[((j) + 3) & 3]); \
      xb = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(wb[(j) & 3], wb[((j) + 1) & 3]), _mm_alignr_epi8(wb[((j) + 3) & 3], wb[((j) + 2) & 3], 4)), wb[((j) + 3) & 3]); \
    }                                                                                                                             \
    wa[(j) & 3] = xa;                                                                                                             \
    wb[(j) & 3] = xb;                                                                                                             \
    const __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * (j)]);                                                              \
    const __m128i ma = _mm_add_epi32(xa, k), mb = _mm_add_epi32(xb, k);                                                           \
    a1 = _mm_sha256rnds2_epu32(a1, a0, ma);                                                                                       \
    b1 = _mm_sha256rnds2_epu32(b1, b0, mb);                                                                                       \
    a0 = _mm_sha256rnds2_epu32(a0, a1, _mm_shuffle_epi32(ma, 0x0e));                                                              \
    b0 = _mm_sha256rnds2_epu32(b0, b1, _mm_shuffle_epi32(mb, 0x0e));                                                              \
  } while (0)

/* The same over two messages of equal length at once. SHA256RNDS2 has a latency of several cycles
 * but can start every one or two, so one message alone leaves the unit idle most of the time; two
 * independent leaves interleaved keep it busy. */
TARGET_SHA static void compress2(__m128i *a0p, __m128i *a1p, __m128i *b0p, __m128i *b1p, const uint8_t *da, const uint8_t *db, size_t blocks) {
  const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i a0 = *a0p, a1 = *a1p, b0 = *b0p, b1 = *b1p;
  for (; blocks > 0; blocks--, da += 64, db += 64) {
    const __m128i sa0 = a0, sa1 = a1, sb0 = b0, sb1 = b1;
    __m128i wa[4], wb[4];
    ROUNDS_2X(0); ROUNDS_2X(1); ROUNDS_2X(2); ROUNDS_2X(3);
    ROUNDS_2X(4); ROUNDS_2X(5); ROUNDS_2X(6); ROUNDS_2X(7);
    ROUNDS_2X(8); ROUNDS_2X(9); ROUNDS_2X(10); ROUNDS_2X(11);
    ROUNDS_2X(12); ROUNDS_2X(13); ROUNDS_2X(14); ROUNDS_2X(15);
    a0 = _mm_add_epi32(a0, sa0);
    a1 = _mm_add_epi32(a1, sa1);
    b0 = _mm_add_epi32(b0, sb0);
    b1 = _mm_add_epi32(b1, sb1);
  }
  *a0p = a0;
  *a1p = a1;
  *b0p = b0;
  *b1p = b1;
}
#undef ROUNDS_2X

/* The initial state H0..H7, arranged as ABEF and CDGH. */
TARGET_SHA static void initial_state(__m128i *s0, __m128i *s1) {
  *s0 = _mm_set_epi32(0x6a09e667, 0xbb67ae85, 0x510e527f, 0x9b05688c);
  *s1 = _mm_set_epi32(0x3c6ef372, 0xa54ff53a, 0x1f83d9ab, 0x5be0cd19);
}

/* Back from ABEF/CDGH to A..H, big-endian. */
TARGET_SHA static void write_digest(__m128i s0, __m128i s1, uint8_t *out) {
  uint32_t abef[4], cdgh[4];
  _mm_storeu_si128((__m128i *)abef, s0);
  _mm_storeu_si128((__m128i *)cdgh, s1);
  const uint32_t h[8] = {abef[3], abef[2], cdgh[3], cdgh[2], abef[1], abef[0], cdgh[1], cdgh[0]};
  write_big_endian(h, out);
}

/* SHA-256 of one message of any length, into out (32 bytes). */
TARGET_SHA static void sha256_one(const uint8_t *msg, size_t len, uint8_t *out) {
  __m128i s0, s1;
  uint8_t tail[128];
  initial_state(&s0, &s1);
  compress(&s0, &s1, msg, len / 64);
  compress(&s0, &s1, tail, final_blocks(tail, msg, len));
  write_digest(s0, s1, out);
}

/* SHA-256 of two messages of the same length at once (two whole leaves). */
TARGET_SHA static void sha256_two(const uint8_t *a, const uint8_t *b, size_t len, uint8_t *outA, uint8_t *outB) {
  __m128i a0, a1, b0, b1;
  uint8_t tailA[128], tailB[128];
  initial_state(&a0, &a1);
  initial_state(&b0, &b1);
  compress2(&a0, &a1, &b0, &b1, a, b, len / 64);
  size_t blocks = final_blocks(tailA, a, len);
  final_blocks(tailB, b, len);
  compress2(&a0, &a1, &b0, &b1, tailA, tailB, blocks);
  write_digest(a0, a1, outA);
  write_digest(b0, b1, outB);
}
#elif defined(__aarch64__) || defined(_M_ARM64)
#define HAVE_ARM 1
#include <arm_neon.h>
#if defined(__APPLE__)
#define TARGET_SHA /* every Apple Silicon CPU has them, and the compiler targets it */
#elif defined(_MSC_VER)
#include <windows.h>
#define TARGET_SHA
#else
#include <sys/auxv.h>
#define TARGET_SHA __attribute__((target("arch=armv8-a+crypto")))
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
#endif

static int cpu_has_sha(void) {
#if defined(__APPLE__)
  return 1;
#elif defined(_MSC_VER)
  return IsProcessorFeaturePresent(PF_ARM_V8_CRYPTO_INSTRUCTIONS_AVAILABLE) ? 1 : 0;
#else
  return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#endif
}

/* The compression function over `blocks` 64-byte blocks; s0 = ABCD, s1 = EFGH. */
TARGET_SHA static void compress(uint32x4_t *s0p, uint32x4_t *s1p, const uint8_t *data, size_t blocks) {
  uint32x4_t s0 = *s0p, s1 = *s1p;
  for (; blocks > 0; blocks--, data += 64) {
    const uint32x4_t save0 = s0, save1 = s1;
    uint32x4_t w[4];
    for (int j = 0; j < 16; j++) {
      uint32x4_t x;
      if (j < 4) x = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 16 * j)));
      /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time, in a ring of four. */
      else x = vsha256su1q_u32(vsha256su0q_u32(w[j & 3], w[(j + 1) & 3]), w[(j + 2) & 3], w[(j + 3) & 3]);
      w[j & 3] = x;
      const uint32x4_t wk = vaddq_u32(x, vld1q_u32(&K[4 * j]));
      const uint32x4_t abcd = s0;
      s0 = vsha256hq_u32(s0, s1, wk);
      s1 = vsha256h2q_u32(s1, abcd, wk);
    }
    s0 = vaddq_u32(s0, save0);
    s1 = vaddq_u32(s1, save1);
  }
  *s0p = s0;
  *s1p = s1;
}

/* SHA-256 of one message of any length, into out (32 bytes). */
TARGET_SHA static void sha256_one(const uint8_t *msg, size_t len, uint8_t *out) {
  static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint32x4_t s0 = vld1q_u32(initial), s1 = vld1q_u32(initial + 4);
  uint8_t tail[128];
  compress(&s0, &s1, msg, len / 64);
  compress(&s0, &s1, tail, final_blocks(tail, msg, len));
  uint32_t h[8];
  vst1q_u32(h, s0);
  vst1q_u32(h + 4, s1);
  write_big_endian(h, out);
}

/* One after the other: on ARM cores the SHA-256 unit is already busy with one message. */
static void sha256_two(const uint8_t *a, const uint8_t *b, size_t len, uint8_t *outA, uint8_t *outB) {
  sha256_one(a, len, outA);
  sha256_one(b, len, outB);
}
#endif

static int shaSupported = 0;

/* How many leaves `length` bytes make: an empty input is one empty block. */
static size_t leaf_count(size_t length) {
  return length == 0 ? 1 : (length + LEAF_BYTES - 1) / LEAF_BYTES;
}

/* out[32 i, 32 i + 32) = SHA-256 of the i-th 16 KiB block of input (an empty input is one empty block). */
static void leaf_hashes(const uint8_t *input, size_t inputLength, uint8_t *output) {
#if defined(HAVE_X86) || defined(HAVE_ARM)
  size_t leaves = leaf_count(inputLength);
  size_t whole = inputLength / LEAF_BYTES, i = 0;
  for (; i + 1 < whole; i += 2) sha256_two(input + i * LEAF_BYTES, input + (i + 1) * LEAF_BYTES, LEAF_BYTES, output + 32 * i, output + 32 * (i + 1));
  for (; i < leaves; i++) {
    size_t start = i * LEAF_BYTES;
    size_t len = inputLength - start < LEAF_BYTES ? inputLength - start : LEAF_BYTES;
    sha256_one(input + start, len, output + 32 * i);
  }
#else
  (void)input;
  (void)inputLength;
  (void)output;
#endif
}

static int typed_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok || type != napi_uint8_array) return 0;
  *data = (uint8_t *)raw;
  return 1;
}

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, shaSupported, &result);
  return result;
}

static napi_value hash_leaves(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *input, *output;
  size_t inputLength, outputLength;
  if (argc < 2 || !typed_bytes(env, argv[0], &input, &inputLength) || !typed_bytes(env, argv[1], &output, &outputLength)) {
    napi_throw_type_error(env, NULL, "hashLeaves(input, output) takes two Uint8Arrays");
    return NULL;
  }
  size_t leaves = leaf_count(inputLength);
  if (outputLength < leaves * 32) {
    napi_throw_range_error(env, NULL, "the output has no room for every leaf hash");
    return NULL;
  }
  if (!shaSupported) {
    napi_throw_error(env, NULL, "this CPU has no SHA extensions");
    return NULL;
  }
  leaf_hashes(input, inputLength, output);
  return NULL;
}

/* Runs `execute` on libuv's thread pool, then `complete` (which settles `deferred` and frees `job`)
 * on the main thread; the promise `deferred` settles. */
static napi_value queue_job(napi_env env, const char *name, napi_async_execute_callback execute, napi_async_complete_callback complete,
                            void *job, napi_deferred *deferred, napi_async_work *work) {
  napi_value promise, resource;
  napi_create_promise(env, deferred, &promise);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource);
  napi_create_async_work(env, NULL, resource, execute, complete, job, work);
  napi_queue_async_work(env, *work);
  return promise;
}

/* A piece being checked on the thread pool. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref data_ref; /* keeps the piece's memory alive while a pool thread reads it */
  const uint8_t *data;
  size_t length, leaves;
  uint8_t expected[32];
  int matches, out_of_memory;
} PieceCheck;

/* Largest subtree a piece may have: 2^20 leaves is a 16 GiB piece, far past any piece size. */
#define MAX_PIECE_LEAVES ((size_t)1 << 20)

/* layer[0, 32) = the root of `leaves` leaf hashes in layer (a power of two), reduced in place. */
static void reduce_subtree(uint8_t *layer, size_t leaves) {
  /* Each layer in place: node i of the next is written after pair i, at or before its place. */
#if defined(HAVE_X86) || defined(HAVE_ARM)
  for (size_t n = leaves; n > 1; n /= 2) {
    for (size_t i = 0; i < n / 2; i++) sha256_one(layer + 64 * i, 64, layer + 32 * i);
  }
#else
  (void)layer;
  (void)leaves;
#endif
}

static void check_piece_execute(napi_env env, void *arg) {
  (void)env;
  PieceCheck *job = (PieceCheck *)arg;
  /* Zero-filled: the leaves past the data are the zero hashes BEP 52 pads with. */
  uint8_t *layer = (uint8_t *)calloc(job->leaves, 32);
  if (!layer) {
    job->out_of_memory = 1;
    return;
  }
  leaf_hashes(job->data, job->length, layer);
  reduce_subtree(layer, job->leaves);
  job->matches = memcmp(layer, job->expected, 32) == 0;
  free(layer);
}

static void check_piece_complete(napi_env env, napi_status status, void *arg) {
  PieceCheck *job = (PieceCheck *)arg;
  if (status == napi_ok && !job->out_of_memory) {
    napi_value result;
    napi_get_boolean(env, job->matches, &result);
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_value message, error;
    napi_create_string_utf8(env, job->out_of_memory ? "no memory to check the piece" : "the piece check was cancelled", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_reference(env, job->data_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value check_piece(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *data, *expected;
  size_t length, expectedLength;
  int64_t leaves;
  if (argc < 3 || !typed_bytes(env, argv[0], &data, &length) || napi_get_value_int64(env, argv[1], &leaves) != napi_ok
      || !typed_bytes(env, argv[2], &expected, &expectedLength) || expectedLength != 32) {
    napi_throw_type_error(env, NULL, "checkPiece(data, leaves, expected) takes a Uint8Array, a number and a 32-byte Uint8Array");
    return NULL;
  }
  size_t blocks = leaf_count(length);
  if (leaves < 1 || (size_t)leaves > MAX_PIECE_LEAVES || (leaves & (leaves - 1)) != 0 || (size_t)leaves < blocks) {
    napi_throw_range_error(env, NULL, "leaves must be a power of two, at least the piece's blocks");
    return NULL;
  }
  if (!shaSupported) {
    napi_throw_error(env, NULL, "this CPU has no SHA extensions");
    return NULL;
  }
  PieceCheck *job = (PieceCheck *)calloc(1, sizeof(PieceCheck));
  if (!job) {
    napi_throw_error(env, NULL, "no memory to check the piece");
    return NULL;
  }
  job->data = data;
  job->length = length;
  job->leaves = (size_t)leaves;
  memcpy(job->expected, expected, 32);
  napi_create_reference(env, argv[0], 1, &job->data_ref);
  return queue_job(env, "shoal:checkPiece", check_piece_execute, check_piece_complete, job, &job->deferred, &job->work);
}

#ifndef _WIN32
/* Bytes read at a time: a whole number of leaves, and of the smallest pieces. */
#define READ_BYTES ((size_t)1 << 20)
#define MAX_HEAD_BYTES 65536

/* A file, or a part of one, being hashed on the thread pool. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char *path;
  int64_t start, end, expected_size; /* end, expected_size < 0: the file's end, any size */
  int64_t min_piece, max_piece, target_pieces;
  size_t head_bytes;
  /* What it found: an errno, not a regular file, a change seen, or the hashes. */
  int err, not_a_file, out_of_memory;
  char changed[96];
  int64_t size, piece_size;
  double mtime_sec, mtime_nsec, ino;
  uint8_t *nodes, *head;
  size_t node_count, head_length;
} FileHash;

#ifdef __APPLE__
#define MTIME_SEC(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#else
#define MTIME_SEC(st) ((st).st_mtim.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#endif

/* src-shared/piece-size.ts's rule, with its numbers passed in: the smallest power of two from min_piece giving at most about target_pieces. */
static int64_t piece_size_for(int64_t size, const FileHash *job) {
  int64_t piece = job->min_piece;
  while (piece < job->max_piece && piece * job->target_pieces < size) piece *= 2;
  return piece;
}

static size_t next_power_of_two(size_t n) {
  size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

/* Reads exactly `length` bytes at `position`; 0, or an errno, or -1 when the file ended first. */
static int read_fully(int fd, uint8_t *buffer, size_t length, int64_t position) {
  size_t done = 0;
  while (done < length) {
    ssize_t n = pread(fd, buffer + done, length - done, (off_t)(position + (int64_t)done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return -1;
    done += (size_t)n;
  }
  return 0;
}

/* The pieces of [from, to) of the open file, each its subtree's root (a one-piece file: the root over its leaves). */
static void hash_pieces(FileHash *job, int fd, int64_t from, int64_t to, uint8_t *buffer, uint8_t *leaves, size_t subtree) {
  size_t piece_leaves = (size_t)(job->piece_size / LEAF_BYTES);
  for (size_t p = 0; p < job->node_count; p++) {
    int64_t piece_start = from + (int64_t)p * job->piece_size;
    int64_t piece_end = piece_start + job->piece_size < to ? piece_start + job->piece_size : to;
    size_t filled = 0;
    for (int64_t at = piece_start; at < piece_end || (at == piece_end && filled == 0);) {
      size_t length = (size_t)(piece_end - at) < READ_BYTES ? (size_t)(piece_end - at) : READ_BYTES;
      int got = read_fully(fd, buffer, length, at);
      if (got == -1) {
        snprintf(job->changed, sizeof job->changed, "shrank");
        return;
      }
      if (got != 0) {
        job->err = got;
        return;
      }
      if (at == 0 && job->head) {
        job->head_length = length < job->head_bytes ? length : job->head_bytes;
        memcpy(job->head, buffer, job->head_length);
      }
      leaf_hashes(buffer, length, leaves + 32 * filled);
      filled += leaf_count(length);
      at += (int64_t)length;
      if (length == 0) break; /* the empty file: one empty leaf */
    }
    size_t width = job->size <= job->piece_size ? subtree : piece_leaves;
    memset(leaves + 32 * filled, 0, 32 * (width - filled));
    reduce_subtree(leaves, width);
    memcpy(job->nodes + 32 * p, leaves, 32);
  }
}

static void hash_open_file(FileHash *job, int fd, const struct stat *path_stat) {
  struct stat before, after, path_after;
  if (fstat(fd, &before) != 0) {
    job->err = errno;
    return;
  }
  if (!S_ISREG(before.st_mode)) {
    job->not_a_file = 1;
    return;
  }
  if (before.st_ino != path_stat->st_ino) {
    snprintf(job->changed, sizeof job->changed, "replaced before it was opened");
    return;
  }
  int64_t size = (int64_t)before.st_size;
  if (job->expected_size >= 0 && size != job->expected_size) {
    snprintf(job->changed, sizeof job->changed, "size %lld -> %lld", (long long)job->expected_size, (long long)size);
    return;
  }
  job->size = size;
  job->piece_size = piece_size_for(size, job);
  job->mtime_sec = (double)MTIME_SEC(before);
  job->mtime_nsec = (double)MTIME_NSEC(before);
  job->ino = (double)before.st_ino;
  int64_t from = job->start, to = job->end < 0 ? size : job->end;
  if (from < 0 || to < from || to > size || from % job->piece_size != 0) {
    job->err = EINVAL;
    return;
  }
  job->node_count = size == 0 ? 1 : (size_t)((to - from + job->piece_size - 1) / job->piece_size);
  /* A one-piece file's leaves are padded to the next power of two only, not to a whole piece. */
  size_t subtree = size <= job->piece_size ? next_power_of_two(leaf_count((size_t)size)) : (size_t)(job->piece_size / LEAF_BYTES);
  uint8_t *buffer = (uint8_t *)malloc(READ_BYTES);
  uint8_t *leaves = (uint8_t *)malloc(32 * subtree);
  job->nodes = (uint8_t *)malloc(32 * job->node_count);
  if (from == 0 && job->head_bytes > 0) job->head = (uint8_t *)malloc(job->head_bytes);
  if (!buffer || !leaves || !job->nodes || (from == 0 && job->head_bytes > 0 && !job->head)) {
    job->out_of_memory = 1;
  } else {
    hash_pieces(job, fd, from, to, buffer, leaves, subtree);
  }
  free(buffer);
  free(leaves);
  if (job->err || job->out_of_memory || job->changed[0]) return;
  /* Anything written during the pass makes the hashes a mix of old and new bytes. */
  if (fstat(fd, &after) != 0) {
    job->err = errno;
  } else if (after.st_size != before.st_size) {
    snprintf(job->changed, sizeof job->changed, "size %lld -> %lld", (long long)before.st_size, (long long)after.st_size);
  } else if (MTIME_SEC(after) != MTIME_SEC(before) || MTIME_NSEC(after) != MTIME_NSEC(before)) {
    snprintf(job->changed, sizeof job->changed, "modified");
  } else if (lstat(job->path, &path_after) != 0 || path_after.st_ino != before.st_ino) {
    snprintf(job->changed, sizeof job->changed, "replaced or removed");
  }
}

static void file_hash_execute(napi_env env, void *arg) {
  (void)env;
  FileHash *job = (FileHash *)arg;
  /* lstat first: opening a FIFO or a device could block the thread; O_NOFOLLOW: a link swapped in after is not followed. */
  struct stat path_stat;
  if (lstat(job->path, &path_stat) != 0) {
    job->err = errno;
    return;
  }
  if (!S_ISREG(path_stat.st_mode)) {
    job->not_a_file = 1;
    return;
  }
  int fd = open(job->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    job->err = errno;
    return;
  }
  hash_open_file(job, fd, &path_stat);
  close(fd);
}

static void set_number(napi_env env, napi_value object, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, object, key, v);
}

static void set_bytes(napi_env env, napi_value object, const char *key, const uint8_t *data, size_t length) {
  napi_value v;
  void *copy;
  napi_create_buffer_copy(env, length, length ? data : (const uint8_t *)"", &copy, &v);
  napi_set_named_property(env, object, key, v);
}

static void file_hash_complete(napi_env env, napi_status status, void *arg) {
  FileHash *job = (FileHash *)arg;
  napi_value result, message, code;
  if (status != napi_ok || job->out_of_memory || job->err) {
    const char *text = status != napi_ok ? "the file hash was cancelled" : job->out_of_memory ? "no memory to hash the file" : strerror(job->err);
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
    napi_create_string_utf8(env, job->err ? uv_err_name(-job->err) : "EIO", NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, message, &result);
    napi_set_named_property(env, result, "code", code);
    napi_reject_deferred(env, job->deferred, result);
  } else {
    napi_create_object(env, &result);
    if (job->not_a_file) {
      napi_get_boolean(env, 1, &message);
      napi_set_named_property(env, result, "notAFile", message);
    } else if (job->changed[0]) {
      napi_create_string_utf8(env, job->changed, NAPI_AUTO_LENGTH, &message);
      napi_set_named_property(env, result, "changed", message);
    } else {
      set_number(env, result, "size", (double)job->size);
      set_number(env, result, "pieceSize", (double)job->piece_size);
      set_number(env, result, "mtimeSec", job->mtime_sec);
      set_number(env, result, "mtimeNsec", job->mtime_nsec);
      set_number(env, result, "ino", job->ino);
      set_bytes(env, result, "nodes", job->nodes, 32 * job->node_count);
      set_bytes(env, result, "head", job->head, job->head_length);
    }
    napi_resolve_deferred(env, job->deferred, result);
  }
  napi_delete_async_work(env, job->work);
  free(job->path);
  free(job->nodes);
  free(job->head);
  free(job);
}

static napi_value hash_file(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t numbers[7];
  size_t path_length = 0;
  int ok = argc == 8 && napi_get_value_string_utf8(env, argv[0], NULL, 0, &path_length) == napi_ok && path_length > 0;
  for (size_t i = 1; ok && i < 8; i++) ok = napi_get_value_int64(env, argv[i], &numbers[i - 1]) == napi_ok;
  /* start, end, expectedSize, headBytes, minPiece, maxPiece, targetPieces */
  int64_t min_piece = numbers[4];
  if (!ok || numbers[0] < 0 || numbers[3] < 0 || numbers[3] > MAX_HEAD_BYTES || min_piece < LEAF_BYTES || (min_piece & (min_piece - 1)) != 0
      || numbers[5] < min_piece || numbers[5] > ((int64_t)1 << 34) || numbers[6] < 1) {
    napi_throw_type_error(env, NULL, "hashFile(path, start, end, expectedSize, headBytes, minPiece, maxPiece, targetPieces): a path and seven numbers in range");
    return NULL;
  }
  if (!shaSupported) {
    napi_throw_error(env, NULL, "this CPU has no SHA extensions");
    return NULL;
  }
  FileHash *job = (FileHash *)calloc(1, sizeof(FileHash));
  char *path = job ? (char *)malloc(path_length + 1) : NULL;
  if (!path) {
    free(job);
    napi_throw_error(env, NULL, "no memory to hash the file");
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[0], path, path_length + 1, &path_length);
  job->path = path;
  job->start = numbers[0];
  job->end = numbers[1];
  job->expected_size = numbers[2];
  job->head_bytes = (size_t)numbers[3];
  job->min_piece = min_piece;
  job->max_piece = numbers[5];
  job->target_pieces = numbers[6];
  return queue_job(env, "shoal:hashFile", file_hash_execute, file_hash_complete, job, &job->deferred, &job->work);
}
#endif

NAPI_MODULE_INIT() {
#if defined(HAVE_X86) || defined(HAVE_ARM)
  shaSupported = cpu_has_sha();
#endif
  napi_value fn;
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, supported, NULL, &fn);
  napi_set_named_property(env, exports, "supported", fn);
  napi_create_function(env, "hashLeaves", NAPI_AUTO_LENGTH, hash_leaves, NULL, &fn);
  napi_set_named_property(env, exports, "hashLeaves", fn);
  napi_create_function(env, "checkPiece", NAPI_AUTO_LENGTH, check_piece, NULL, &fn);
  napi_set_named_property(env, exports, "checkPiece", fn);
#ifndef _WIN32
  napi_create_function(env, "hashFile", NAPI_AUTO_LENGTH, hash_file, NULL, &fn);
  napi_set_named_property(env, exports, "hashFile", fn);
#endif
  return exports;
}
