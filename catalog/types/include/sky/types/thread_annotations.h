#pragma once
// Clang thread-safety annotations (STYLE.md sections 6 and 12.13; LevelDB's
// port/thread_annotations.h). Under clang with -Wthread-safety the compiler checks that a member
// marked SKY_GUARDED_BY(mu_) is touched only with mu_ held and that a function marked
// SKY_REQUIRES(mu_) is called only with it held. Other compilers see empty macros.
//
// They check only capabilities the compiler knows: libstdc++'s std::mutex carries none, so guard
// state with sky::Mutex (sky/types/mutex.h), whose lock and unlock are annotated.

#if defined(__clang__)
#define SKY_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SKY_THREAD_ANNOTATION(x)
#endif

// A class whose objects are locks (sky::Mutex).
#define SKY_CAPABILITY(name) SKY_THREAD_ANNOTATION(capability(name))
// A RAII class that holds a lock for its lifetime (sky::MutexLock).
#define SKY_SCOPED_CAPABILITY SKY_THREAD_ANNOTATION(scoped_lockable)
// A member that may be read or written only with the given mutex held.
#define SKY_GUARDED_BY(mu) SKY_THREAD_ANNOTATION(guarded_by(mu))
// A pointer member whose pointee may be touched only with the given mutex held.
#define SKY_PT_GUARDED_BY(mu) SKY_THREAD_ANNOTATION(pt_guarded_by(mu))
// A function that must be called with the given mutexes held.
#define SKY_REQUIRES(...) SKY_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// A function that must be called without the given mutexes held (it takes them itself).
#define SKY_EXCLUDES(...) SKY_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// A function that takes the given mutex (or the object itself) and returns holding it.
#define SKY_ACQUIRE(...) SKY_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
// A function that releases the given mutex (or the object itself).
#define SKY_RELEASE(...) SKY_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// A function that returns a reference to the given mutex.
#define SKY_RETURN_CAPABILITY(x) SKY_THREAD_ANNOTATION(lock_returned(x))
// A function the analysis skips: its locking is correct in a way the checker cannot follow
// (say why at each use).
#define SKY_NO_THREAD_SAFETY_ANALYSIS SKY_THREAD_ANNOTATION(no_thread_safety_analysis)
