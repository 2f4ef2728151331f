#include "master/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace llmload::master {
namespace {

std::string ErrnoText(int errno_value) { return std::strerror(errno_value); }

std::string PathError(absl::string_view flag, const std::string& path, absl::string_view what) {
  return absl::StrCat(flag, " '", path, "': ", what);
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The mode a new file gets from fopen(): 0666 less the umask. The umask is read from
// /proc/self/status because umask(2) can only be read by setting it, which would race with
// other threads creating files.
mode_t NewFileMode() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!absl::StartsWith(line, "Umask:")) continue;
    unsigned int mask = 0;
    const std::string digits(absl::StripAsciiWhitespace(line.substr(6)));
    if (digits.empty() || digits.find_first_not_of("01234567") != std::string::npos) break;
    mask = static_cast<unsigned int>(std::strtoul(digits.c_str(), nullptr, 8));
    return static_cast<mode_t>(0666 & ~mask);
  }
  return 0644;
}

// The real file behind `path` (following symbolic links), so that a temporary file is made
// and renamed beside the file itself, not beside a link to it.
std::string ResolvedTarget(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) != nullptr) return buf;
  return path;
}

}  // namespace

absl::Status CheckOutputPath(const std::string& path, absl::string_view flag) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(PathError(flag, path, "is a directory"));
    }
    if (access(path.c_str(), W_OK) != 0) {
      return absl::InvalidArgumentError(
          PathError(flag, path, absl::StrCat("cannot write: ", ErrnoText(errno))));
    }
    return absl::OkStatus();
  }
  if (errno != ENOENT) {
    return absl::InvalidArgumentError(
        PathError(flag, path, absl::StrCat("cannot write: ", ErrnoText(errno))));
  }
  const std::string dir = DirectoryOf(path);
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        PathError(flag, path, absl::StrCat("directory '", dir, "' does not exist")));
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::InvalidArgumentError(PathError(
        flag, path, absl::StrCat("cannot create a file in '", dir, "': ", ErrnoText(errno))));
  }
  return absl::OkStatus();
}

absl::Status CheckDistinctOutputPaths(
    const std::vector<std::pair<absl::string_view, std::string>>& outputs) {
  auto same_file = [](const std::string& a, const std::string& b) {
    std::error_code ec;
    const auto norm_a = std::filesystem::absolute(a, ec).lexically_normal();
    const auto norm_b = std::filesystem::absolute(b, ec).lexically_normal();
    if (norm_a == norm_b) return true;
    struct stat sa, sb;
    return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
  };
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = i + 1; j < outputs.size(); ++j) {
      const auto& [flag_a, path_a] = outputs[i];
      const auto& [flag_b, path_b] = outputs[j];
      if (path_a.empty() || path_b.empty() || !same_file(path_a, path_b)) continue;
      return absl::InvalidArgumentError(absl::StrCat(flag_a, " '", path_a, "' and ", flag_b, " '",
                                                     path_b,
                                                     "' are the same file: give each its own"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path,
                                                               absl::string_view flag, Mode mode) {
  auto out = std::make_unique<OutputFile>(PassKey(), path, std::string(flag));
  const std::string target = ResolvedTarget(path);
  struct stat st;
  const bool exists = stat(target.c_str(), &st) == 0;
  out->regular_ = !exists || S_ISREG(st.st_mode);
  FILE* f = nullptr;
  if (mode == Mode::kReplaceWhenDone && out->regular_) {
    const std::string dir = DirectoryOf(target);
    const std::string base = target.substr(target.rfind('/') + 1);
    std::string temp = absl::StrCat(dir, "/.", base, ".tmp-XXXXXX");
    const int fd = mkstemp(temp.data());
    if (fd < 0) {
      return absl::DataLossError(PathError(
          flag, path, absl::StrCat("cannot create a file in '", dir, "': ", ErrnoText(errno))));
    }
    // mkstemp makes it 0600; the report gets the mode a plain fopen() would have given it.
    fchmod(fd, exists ? (st.st_mode & 07777) : NewFileMode());
    f = fdopen(fd, "w");
    if (f == nullptr) {
      const int e = errno;
      close(fd);
      unlink(temp.c_str());
      return absl::DataLossError(
          PathError(flag, path, absl::StrCat("cannot write: ", ErrnoText(e))));
    }
    out->temp_path_ = std::move(temp);
    out->target_ = target;
  } else {
    f = std::fopen(target.c_str(), "w");
    if (f == nullptr) {
      return absl::DataLossError(
          PathError(flag, path, absl::StrCat("cannot write: ", ErrnoText(errno))));
    }
  }
  out->file_.reset(f);
  return out;
}

OutputFile::~OutputFile() {
  file_.reset();
  if (!temp_path_.empty()) unlink(temp_path_.c_str());
}

void OutputFile::Fail(absl::string_view what, int errno_value) {
  if (error_.empty())
    error_ = PathError(flag_, path_, absl::StrCat(what, ": ", ErrnoText(errno_value)));
}

void OutputFile::Write(absl::string_view bytes) {
  if (file_ == nullptr || bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size()) {
    Fail("write failed", errno);
  }
}

void OutputFile::Flush() {
  if (file_ != nullptr && std::fflush(file_.get()) != 0) Fail("write failed", errno);
}

absl::Status OutputFile::Close() {
  if (file_ != nullptr) {
    Flush();
    if (std::ferror(file_.get()) && error_.empty()) Fail("write failed", EIO);
    if (regular_ && fsync(fileno(file_.get())) != 0) Fail("sync failed", errno);
    if (std::fclose(file_.release()) != 0) Fail("close failed", errno);
    if (!temp_path_.empty()) {
      if (error_.empty() && rename(temp_path_.c_str(), target_.c_str()) != 0) {
        Fail("cannot move the finished file into place", errno);
      }
      if (!error_.empty()) unlink(temp_path_.c_str());
      temp_path_.clear();
    }
  }
  return error_.empty() ? absl::OkStatus() : absl::DataLossError(error_);
}

}  // namespace llmload::master
