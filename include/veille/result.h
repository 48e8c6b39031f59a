// result.h: the error-carrying return type used across module boundaries.
//
// In:  nothing; a vocabulary type.
// Out: Result<T> holds either a T or an Error (a code and a human-readable
//      message that names the file, line or parameter concerned).
// Thread-safety: value types; no shared state.
//
// Errors are values, never exceptions, across module boundaries. Exit codes
// (CLI) and HTTP statuses (server) are derived from Error::Code in exactly one
// place each.
#ifndef VEILLE_RESULT_H_
#define VEILLE_RESULT_H_

#include <string>
#include <utility>
#include <variant>

namespace veille {

struct Error {
  enum class Code {
    kInvalidArgument,  // bad flag, query or parameter
    kNotFound,         // file, article or entity does not exist
    kBadInput,         // malformed article, JSON, UTF-8, HTML ...
    kIo,               // operating-system or file-system failure
    kDatabase,         // SQLite failure
    kInternal,         // a bug
  };
  Code code = Code::kInternal;
  std::string message;

  static Error InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Error NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Error BadInput(std::string m) { return {Code::kBadInput, std::move(m)}; }
  static Error Io(std::string m) { return {Code::kIo, std::move(m)}; }
  static Error Database(std::string m) { return {Code::kDatabase, std::move(m)}; }
  static Error Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
};

// Result<T>: a T or an Error. Access the value only after checking ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: a Result with no value.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace veille

#endif  // VEILLE_RESULT_H_
