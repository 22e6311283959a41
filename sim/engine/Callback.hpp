#pragma once
// A move-only, type-erased `void()` callable stored inline (no heap allocation).
//
// Event handlers are the engine's hot path; std::function may allocate for captures larger than
// two pointers. A Callback holds up to `kCapacity` bytes of captures in place and refuses larger
// ones at compile time, so scheduling an event never allocates. A handler whose captures are
// trivially copyable (the usual `[this, index]`) moves as a plain copy of its bytes and needs no
// destruction: only calling it goes through a pointer.

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace dcsim::engine {

class Callback {
 public:
  static constexpr std::size_t kCapacity = 48;

  Callback() = default;

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  Callback(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
    construct(std::forward<F>(f));
  }

  /// Holds `f` from now on (what it held is destroyed), made in place: where a handler is to be
  /// kept (an event's slot), making it there saves a copy of a Callback just written, whose
  /// wide loads of narrow fresh stores stall the processor (store forwarding).
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  void emplace(F&& f) {
    reset();
    construct(std::forward<F>(f));
  }

  Callback(Callback&& o) noexcept { move_from(o); }
  Callback& operator=(Callback&& o) noexcept {
    if (this != &o) {
      reset();
      move_from(o);
    }
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  void operator()() { ops_->call(storage_); }

  void reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

 private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* from, void* to);
    void (*destroy)(void*);
  };
  // move and destroy are null for a trivially copyable handler: its bytes are copied (all
  // kCapacity of them, a copy of fixed size the compiler does in a few moves).
  template <class Fn>
  static constexpr bool kTrivial = std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>;
  template <class Fn>
  static constexpr Ops kOps{[](void* p) { (*static_cast<Fn*>(p))(); },
                            kTrivial<Fn> ? nullptr
                                         : +[](void* from, void* to) {
                                             ::new (to) Fn(std::move(*static_cast<Fn*>(from)));
                                             static_cast<Fn*>(from)->~Fn();
                                           },
                            kTrivial<Fn> ? nullptr : +[](void* p) { static_cast<Fn*>(p)->~Fn(); }};

  template <class F>
  void construct(F&& f) {
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity, "event handler captures too much; capture a pointer");
    static_assert(alignof(Fn) <= alignof(std::max_align_t));
    static_assert(std::is_nothrow_move_constructible_v<Fn>);
    ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
    ops_ = &kOps<Fn>;
  }

  void move_from(Callback& o) {
    if (o.ops_ != nullptr) {
      if (o.ops_->move != nullptr) o.ops_->move(o.storage_, storage_);
      else std::memcpy(storage_, o.storage_, kCapacity);  // whole storage: a fixed-size copy, inlined
      ops_ = o.ops_;
      o.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char storage_[kCapacity];
  const Ops* ops_ = nullptr;
};

}  // namespace dcsim::engine
