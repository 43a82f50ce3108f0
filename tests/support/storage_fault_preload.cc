// Storage faults for a real service where the test may not mount a file system of its own (a
// container without CAP_SYS_ADMIN): preloaded into the service (LD_PRELOAD), this library makes
// the writes to files under CONVENE_FAULT_DIR fail, as the kernel would, while the file named by
// CONVENE_FAULT_CONTROL holds one of these words:
//   ENOSPC  write/pwrite fail with ENOSPC (a full disk);
//   EROFS   write/pwrite, fsync/fdatasync fail with EROFS (a file system made read-only);
//   EIO     fsync/fdatasync fail with EIO (a disk that cannot flush).
// With no control file, or another word in it, everything passes through. SQLite reaches the
// system through write, pwrite64, fsync and fdatasync, which are the calls replaced here.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace {

enum class Call { kWrite, kSync };

// The errno `call` on `fd` must fail with now, or 0.
int FaultFor(int fd, Call call) {
  const char* control = getenv("CONVENE_FAULT_CONTROL");
  const char* dir = getenv("CONVENE_FAULT_DIR");
  if (control == nullptr || dir == nullptr) return 0;
  const int saved_errno = errno;
  int fault = 0;
  char word[16] = {};
  const int control_fd = open(control, O_RDONLY | O_CLOEXEC);
  if (control_fd >= 0) {
    const ssize_t n = read(control_fd, word, sizeof(word) - 1);
    close(control_fd);
    if (n > 0) {
      if (call == Call::kWrite && strncmp(word, "ENOSPC", 6) == 0) fault = ENOSPC;
      if (strncmp(word, "EROFS", 5) == 0) fault = EROFS;
      if (call == Call::kSync && strncmp(word, "EIO", 3) == 0) fault = EIO;
    }
  }
  if (fault != 0) {
    char link[64];
    char path[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof(path) - 1);
    const size_t dir_size = strlen(dir);
    if (n < 0 || static_cast<size_t>(n) <= dir_size || strncmp(path, dir, dir_size) != 0 ||
        path[dir_size] != '/') {
      fault = 0;
    }
  }
  errno = saved_errno;
  return fault;
}

template <typename Function>
Function Next(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* data, size_t size) {
  static const auto next = Next<ssize_t (*)(int, const void*, size_t)>("write");
  if (const int fault = FaultFor(fd, Call::kWrite)) {
    errno = fault;
    return -1;
  }
  return next(fd, data, size);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static const auto next = Next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  if (const int fault = FaultFor(fd, Call::kWrite)) {
    errno = fault;
    return -1;
  }
  return next(fd, data, size, offset);
}

ssize_t pwrite64(int fd, const void* data, size_t size, off64_t offset) {
  static const auto next = Next<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  if (const int fault = FaultFor(fd, Call::kWrite)) {
    errno = fault;
    return -1;
  }
  return next(fd, data, size, offset);
}

int fsync(int fd) {
  static const auto next = Next<int (*)(int)>("fsync");
  if (const int fault = FaultFor(fd, Call::kSync)) {
    errno = fault;
    return -1;
  }
  return next(fd);
}

int fdatasync(int fd) {
  static const auto next = Next<int (*)(int)>("fdatasync");
  if (const int fault = FaultFor(fd, Call::kSync)) {
    errno = fault;
    return -1;
  }
  return next(fd);
}

}  // extern "C"
