#include "sim/sweep/SweepMpi.hpp"

#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#ifdef DCSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace dcsim::sweep {

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

#ifdef DCSIM_HAVE_MPI

namespace {
constexpr int kWork = 1, kResult = 2;
constexpr std::uint64_t kStop = ~std::uint64_t{0};
bool started = false;
}  // namespace

bool mpi_built() { return true; }

std::pair<int, int> mpi_start() {
  if (!launched_by_mpi()) return {0, 1};
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  started = true;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return {rank, size};
}

void mpi_finish() {
  if (started) MPI_Finalize();
  started = false;
}

void mpi_abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

void mpi_lead(const std::vector<std::size_t>& pending, const std::function<void(std::size_t, Outcome)>& record) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::size_t next = 0;
  int active = size - 1;
  while (active > 0) {
    MPI_Status st;
    MPI_Probe(MPI_ANY_SOURCE, kResult, MPI_COMM_WORLD, &st);
    int n = 0;
    MPI_Get_count(&st, MPI_CHAR, &n);
    std::string text(static_cast<std::size_t>(n), '\0');
    MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (!text.empty()) {
      // "INDEX\n" then the outcome's line.
      const auto nl = text.find('\n');
      Outcome o;
      if (nl == std::string::npos || !decode_outcome(text.substr(nl + 1), o))
        throw std::runtime_error(fmt::format("MPI: rank {} sent a malformed result", st.MPI_SOURCE));
      record(static_cast<std::size_t>(std::stoull(text.substr(0, nl))), std::move(o));
    }
    std::uint64_t work = kStop;
    if (next < pending.size()) work = pending[next++];
    else --active;
    MPI_Send(&work, 1, MPI_UINT64_T, st.MPI_SOURCE, kWork, MPI_COMM_WORLD);
  }
}

void mpi_follow(const std::function<Outcome(std::size_t)>& run) {
  std::string text;  // first message: empty, "ready"
  for (;;) {
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kResult, MPI_COMM_WORLD);
    std::uint64_t work = kStop;
    MPI_Recv(&work, 1, MPI_UINT64_T, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (work == kStop) return;
    text = fmt::format("{}\n", work) + encode_outcome(run(static_cast<std::size_t>(work)));
  }
}

#else

bool mpi_built() { return false; }
std::pair<int, int> mpi_start() { return {0, 1}; }
void mpi_finish() {}
void mpi_abort(int code) { std::exit(code); }
void mpi_lead(const std::vector<std::size_t>&, const std::function<void(std::size_t, Outcome)>&) {
  throw std::logic_error("this dcsim was built without MPI");
}
void mpi_follow(const std::function<Outcome(std::size_t)>&) { throw std::logic_error("this dcsim was built without MPI"); }

#endif

}  // namespace dcsim::sweep
