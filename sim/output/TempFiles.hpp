#pragma once
// Files being written under a temporary name, removed if the process is stopped by SIGINT or
// SIGTERM before they are complete. The handler (installed once by install_signal_handlers())
// passes the signal on to the child process set with set_child (if any), unlinks every
// registered path, prints one line and exits with 128 + the signal (130, 143).
// kill -9 cannot be caught: a temporary file may then remain, but never the output path itself,
// which only ever receives a complete file by rename.

#include <cstddef>
#include <string>

namespace dcsim::output {

/// Registers a temporary path; returns a slot to release, or -1 when the table is full (the
/// file is then only cleaned up by normal unwinding).
int register_temporary(const std::string& path);
void release_temporary(int slot);

/// Installs the SIGINT and SIGTERM handlers (idempotent).
void install_signal_handlers();

/// A child process (the plot scripts) that the handler passes the signal on to before it exits,
/// so that stopping dcsim stops what it started; 0 forgets it.
void set_child(int pid);

/// An output write failed (disk full, file-size limit): the HDF5 library may hold a file it
/// could not close, and its own exit-time clean-up then crashes. main() ends such a process
/// with _exit after flushing its streams.
void mark_failed_write();
bool failed_write();

}  // namespace dcsim::output
