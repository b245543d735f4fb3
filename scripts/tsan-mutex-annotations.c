// Tells ThreadSanitizer what Swift's `Synchronization.Mutex` does on Linux, for
// `scripts/sanitize thread` only (loaded with LD_PRELOAD; never part of the service).
//
// Why: `Mutex.withLock` is inlined into our code, so its uncontended path (an atomic
// compare-exchange with acquire/release ordering) is instrumented and TSan sees it. Under
// contention it calls `_MutexHandle._lockSlow` / `_unlockSlow` in libswiftSynchronization.so,
// which is not instrumented and hands the lock over in the kernel (futex LOCK_PI / UNLOCK_PI
// through `syscall`, which TSan does not intercept). TSan then sees no happens-before edge
// between one owner's unlock and the next owner's lock, and reports every contended
// `withLock` body as a race (docs/sanitizers.md has the 20-line reproduction).
//
// The fix is the standard one for synchronisation TSan cannot see: annotate it. These wrappers
// replace the two slow-path symbols, call the real ones, and add `__tsan_release` before an
// unlock and `__tsan_acquire` after a lock, on the lock word's address (the same address the
// instrumented fast path uses). Accesses outside a lock are still reported.
//
// ABI: the functions are Swift methods; `self` (the lock word's address) travels in the
// swiftself register, which clang spells `swift_context`. If a toolchain renames them,
// dlsym fails and the process aborts with a message below: loud, never silently unannotated.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// Weak: defined by the TSan runtime of a sanitized executable; absent (NULL) in any other
// process that inherits LD_PRELOAD (python3, ngircd), where the wrappers are never called.
extern void __tsan_acquire(void *address) __attribute__((weak));
extern void __tsan_release(void *address) __attribute__((weak));

#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

typedef __attribute__((swiftcall)) void (*LockSlow)(uint32_t, void *__attribute__((swift_context)));
typedef __attribute__((swiftcall)) bool (*TryLockSlow)(void *__attribute__((swift_context)));
typedef __attribute__((swiftcall)) void (*UnlockSlow)(void *__attribute__((swift_context)));

static LockSlow realLockSlow;
static TryLockSlow realTryLockSlow;
static UnlockSlow realUnlockSlow;

// Runs once all start-up libraries are loaded, before any thread exists.
__attribute__((constructor)) static void findRealFunctions(void) {
    realLockSlow = (LockSlow)dlsym(RTLD_NEXT, LOCK_SLOW);
    realTryLockSlow = (TryLockSlow)dlsym(RTLD_NEXT, TRY_LOCK_SLOW);
    realUnlockSlow = (UnlockSlow)dlsym(RTLD_NEXT, UNLOCK_SLOW);
}

static void *required(void *function, const char *name) {
    if (function == NULL) {
        fprintf(stderr, "tsan-mutex-annotations: %s not found in libswiftSynchronization; "
                        "update scripts/tsan-mutex-annotations.c for this toolchain\n", name);
        abort();
    }
    return function;
}

__attribute__((swiftcall)) void lockSlow(uint32_t owner, void *__attribute__((swift_context)) word) __asm__(LOCK_SLOW);
__attribute__((swiftcall)) void lockSlow(uint32_t owner, void *__attribute__((swift_context)) word) {
    ((LockSlow)required(realLockSlow, LOCK_SLOW))(owner, word);
    if (__tsan_acquire) __tsan_acquire(word);
}

__attribute__((swiftcall)) bool tryLockSlow(void *__attribute__((swift_context)) word) __asm__(TRY_LOCK_SLOW);
__attribute__((swiftcall)) bool tryLockSlow(void *__attribute__((swift_context)) word) {
    bool locked = ((TryLockSlow)required(realTryLockSlow, TRY_LOCK_SLOW))(word);
    if (locked && __tsan_acquire) __tsan_acquire(word);
    return locked;
}

__attribute__((swiftcall)) void unlockSlow(void *__attribute__((swift_context)) word) __asm__(UNLOCK_SLOW);
__attribute__((swiftcall)) void unlockSlow(void *__attribute__((swift_context)) word) {
    if (__tsan_release) __tsan_release(word);
    ((UnlockSlow)required(realUnlockSlow, UNLOCK_SLOW))(word);
}
