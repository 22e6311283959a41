#pragma once
// Decimal text to double, exactly, for the numbers traces hold; shared by the CSV readers.

#include <array>
#include <bit>
#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dcsim::input {

// Fast exact decimal-to-double conversion for the numbers traces hold (up to 19 significant
// digits, powers of ten up to 27); anything else goes to std::from_chars.
//  - Significand below 2^53, power of ten up to 22 (Clinger 1990): one IEEE multiplication or
//    division of two exactly representable doubles, so correctly rounded.
//  - Otherwise, on x86-64, the same operation in 80-bit extended precision (64-bit significand:
//    the significand and 10^k up to 10^27 are exact there), correctly rounded to 64 bits, then
//    rounded to double. Rounding twice can differ from rounding once only when the first result
//    lies exactly halfway between two doubles (a 64-bit value nearer the exact result than that
//    midpoint would be the rounding itself); that case goes to std::from_chars.
// Digit runs eight bytes at a time (SWAR). `x` holds eight characters with '0' mapped to 0
// (each byte XOR '0'): the value of the eight digits it then holds, the first character the
// most significant (little-endian: in the lowest byte).
[[gnu::always_inline]] inline std::uint64_t eight_digit_value(std::uint64_t x) {
  x = x * 10 + (x >> 8);  // each even byte: two digits
  return (((x & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
          (((x >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
         32;
}

// Digits from p into sig, counted in `digits` (sig is exact while there are at most 19 in all;
// the caller gives up beyond); returns where they end. Eight bytes at a time while there are
// eight to read: the leading digits of a word found at once (a byte XOR '0' is 0-9 only for a
// digit: its high bit, after adding 0x76, is set from 10 up; a carry out of a byte only reaches
// later bytes, after the first non-digit), shifted up so that zeros lead, converted together.
[[gnu::always_inline]] inline const char* digits_into(const char* p, const char* e, std::uint64_t& sig,
                                                      std::ptrdiff_t& digits) {
  static constexpr std::uint64_t kPow10U[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  const char* const first = p;
  while (std::endian::native == std::endian::little && e - p >= 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, 8);
    const std::uint64_t x = v ^ 0x3030303030303030ull;
    const std::uint64_t non_digit = ((x + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
    if (non_digit == 0) {
      sig = sig * 100'000'000 + eight_digit_value(x);
      p += 8;
      continue;
    }
    const auto k = static_cast<unsigned>(std::countr_zero(non_digit)) / 8;  // digits before the first non-digit
    if (k > 0) {
      sig = sig * kPow10U[k] + eight_digit_value(x << (8 * (8 - k)));
      p += k;
    }
    digits += p - first;
    return p;
  }
  for (unsigned d; p < e && (d = static_cast<unsigned>(*p - '0')) < 10; ++p) sig = sig * 10 + d;
  digits += p - first;
  return p;
}

// The double nearest sig x 10^exp10 (negated if `negative`) into `out`; false when it is not
// decided here (see above).
[[gnu::always_inline]] inline bool decimal_value(std::uint64_t sig, int exp10, bool negative, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  double v = 0.0;
  if (sig == 0) {
    v = 0.0;
  } else if (sig <= (std::uint64_t{1} << 53) && exp10 >= -22 && exp10 <= 22) {
    v = static_cast<double>(sig);
    if (exp10 > 0) v *= kPow10[exp10];
    else if (exp10 < 0) v /= kPow10[-exp10];
  } else {
#if defined(__x86_64__) && LDBL_MANT_DIG == 64
    static constexpr auto kPow10L = [] {
      std::array<long double, 28> t{};
      t[0] = 1.0L;
      for (std::size_t k = 1; k < t.size(); ++k) t[k] = t[k - 1] * 10.0L;  // exact: 5^27 < 2^64
      return t;
    }();
    if (exp10 < -27 || exp10 > 27) return false;
    const long double q = exp10 < 0 ? static_cast<long double>(sig) / kPow10L[static_cast<std::size_t>(-exp10)]
                                    : static_cast<long double>(sig) * kPow10L[static_cast<std::size_t>(exp10)];
    std::uint64_t mantissa = 0;
    std::memcpy(&mantissa, &q, sizeof mantissa);  // the explicit 64-bit significand
    if ((mantissa & 0x7FF) == 0x400) return false;  // halfway between two doubles
    v = static_cast<double>(q);
#else
    return false;
#endif
  }
  out = negative ? -v : v;
  return true;
}

// How many of the eight characters in `x` (each byte XOR '0', the first in the lowest byte)
// lead as digits: 0-8.
[[gnu::always_inline]] inline unsigned leading_digits(std::uint64_t x) {
  const std::uint64_t non_digit = ((x + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
  return non_digit == 0 ? 8 : static_cast<unsigned>(std::countr_zero(non_digit)) / 8;
}

// The value of the first k (1-8) digits in `x` (as above).
[[gnu::always_inline]] inline std::uint64_t leading_value(std::uint64_t x, unsigned k) {
  return eight_digit_value(x << (8 * (8 - k)));
}

// The usual form of a trace's numbers, `[-]d.d` with 1-7 digits before the point, 1-16 after it
// and 19 at most in all, not followed by an exponent, decided from three eight-byte words without
// a loop: sig and exp10 exactly as decimal_prefix() finds them (so the same double), or false to
// leave the number to it. Needs 26 bytes readable from p.
[[gnu::always_inline]] inline bool point_form(const char* p, const char*& end, std::uint64_t& sig, int& exp10,
                                              bool& negative) {
  negative = *p == '-';
  p += negative ? 1 : 0;
  std::uint64_t w = 0;
  std::memcpy(&w, p, 8);
  const std::uint64_t x0 = w ^ 0x3030303030303030ull;
  const unsigned k0 = leading_digits(x0);
  if (k0 == 0 || k0 == 8 || p[k0] != '.') return false;
  const char* const frac = p + k0 + 1;
  std::memcpy(&w, frac, 8);
  const std::uint64_t x1 = w ^ 0x3030303030303030ull;
  const unsigned k1 = leading_digits(x1);
  if (k1 == 0) return false;
  static constexpr std::uint64_t kPow10U[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  std::uint64_t v = leading_value(x0, k0);
  unsigned f = k1;
  if (k1 < 8) {
    v = v * kPow10U[k1] + leading_value(x1, k1);
  } else {
    std::memcpy(&w, frac + 8, 8);
    const std::uint64_t x2 = w ^ 0x3030303030303030ull;
    const unsigned k2 = leading_digits(x2);
    if (k0 + 8 + k2 > 19) return false;
    v = v * 100'000'000 + eight_digit_value(x1);
    if (k2 > 0) v = v * kPow10U[k2] + leading_value(x2, k2);
    f = 8 + k2;
    if (k2 == 8 && static_cast<unsigned>(frac[16] - '0') < 10) return false;  // more than 16
  }
  const char* const after = frac + f;
  if (*after == 'e' || *after == 'E') return false;
  end = after;
  sig = v;
  exp10 = -static_cast<int>(f);
  return true;
}

// A decimal number at p (not past e): where it ends, with its value in `out`, or null when it
// is not one of the forms decided here (the caller then asks std::from_chars). The number ends
// at the first character that cannot continue it; the caller checks what follows.
[[gnu::always_inline]] inline const char* decimal_prefix(const char* p, const char* e, double& out) {
  std::uint64_t sig = 0;
  int exp10 = 0;
  bool negative = false;
  if (std::endian::native == std::endian::little && e - p >= 26) {
    const char* end = nullptr;
    if (point_form(p, end, sig, exp10, negative)) return decimal_value(sig, exp10, negative, out) ? end : nullptr;
    sig = 0;
    exp10 = 0;
  }
  negative = p < e && *p == '-';
  if (negative) ++p;
  std::ptrdiff_t digits = 0;
  p = digits_into(p, e, sig, digits);
  if (p < e && *p == '.') {
    const char* const frac = ++p;
    p = digits_into(p, e, sig, digits);
    exp10 = -static_cast<int>(p - frac);
  }
  // Up to 19 digits cannot overflow 64 bits (leading zeros included, to keep the loop simple).
  if (digits == 0 || digits > 19) return nullptr;
  if (p < e && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool down = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+')) ++p;
    const char* const first = p;
    int x = 0;
    for (unsigned d; p < e && p - first < 5 && (d = static_cast<unsigned>(*p - '0')) < 10; ++p) x = x * 10 + static_cast<int>(d);
    if (p == first || p - first > 4) return nullptr;  // one to four exponent digits
    exp10 += down ? -x : x;
  }
  return decimal_value(sig, exp10, negative, out) ? p : nullptr;
}

// The whole of [p, e) as a decimal number of the forms decimal_prefix() decides.
inline bool fast_decimal(const char* p, const char* e, double& out) {
  double v = 0.0;
  if (decimal_prefix(p, e, v) != e) return false;
  out = v;
  return true;
}

}  // namespace dcsim::input
