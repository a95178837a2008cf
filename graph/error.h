// Errors: the exception types kg throws when an operation cannot go on.
// Each entry point (a `kg` command, the shell loop) catches kg::Error once.
#pragma once

#include <stdexcept>
#include <string>

namespace kg {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failed SQLite call, a refused database, a broken invariant in the store.
class StorageError : public Error {
 public:
  using Error::Error;
};

}  // namespace kg
