#pragma once
// What the harnesses share: the fuzz input as a file, since dcsim's readers take paths (every
// input gets a new file name in a directory of the process's own, so that no cache keyed by path,
// size and modification time, as the scenario loader keeps, can hand back an earlier input; the
// file is removed after), an invariant check, and the name of a format given at compile time.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace dcsim::fuzz {

/// Breaks the fuzzer's run (a finding) when an invariant of what a reader accepted fails.
#define DCSIM_FUZZ_CHECK(cond)                                                        \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                               \
    }                                                                                 \
  } while (false)

/// The text of a macro argument: DCSIM_FUZZ_NAME(DCSIM_FUZZ_TRACE_FORMAT) is "plain".
#define DCSIM_FUZZ_NAME(x) DCSIM_FUZZ_NAME_TEXT(x)
#define DCSIM_FUZZ_NAME_TEXT(x) #x

class FuzzFile {
 public:
  FuzzFile(const std::uint8_t* data, std::size_t size, std::string_view extension) {
    static const Directory dir;
    static std::atomic<unsigned long> counter{0};
    path_ = (dir.path / ("input-" + std::to_string(counter++) + std::string(extension))).string();
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    DCSIM_FUZZ_CHECK(f != nullptr);
    DCSIM_FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, f) == size);
    std::fclose(f);
  }
  ~FuzzFile() { std::remove(path_.c_str()); }
  FuzzFile(const FuzzFile&) = delete;
  FuzzFile& operator=(const FuzzFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  // The process's directory, removed when the fuzzer exits.
  struct Directory {
    Directory() : path(std::filesystem::temp_directory_path() / ("dcsim-fuzz-" + std::to_string(::getpid()))) {
      std::filesystem::create_directories(path);
    }
    ~Directory() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path path;
  };

  std::string path_;
};

}  // namespace dcsim::fuzz
