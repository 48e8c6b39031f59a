// temp_dir.h: a scratch folder for reader tests, removed at the end.
#ifndef VEILLE_TESTS_READ_TEMP_DIR_H_
#define VEILLE_TESTS_READ_TEMP_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace veille::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "veille_read_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

  // Writes `bytes` to path()/relative, creating folders; returns the full path.
  std::string Write(std::string_view relative, std::string_view bytes) const {
    std::filesystem::path p = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }

 private:
  std::string path_;
};

}  // namespace veille::testing

#endif  // VEILLE_TESTS_READ_TEMP_DIR_H_
