// netkit/struct/format_table.hpp — the format codes, their sizes and alignments, as CPython's
// _struct.c defines them (public but a detail: Struct and static_struct share it).
//
//   netkit::detail::find_format('i', true)->size  // 4: native int
#pragma once

#include <optional>

#include <cstddef>

namespace netkit::detail {

// CPython measures native alignment as offsetof(struct {char c; T x;}, x).
template <class T>
struct align_probe {
  char c;
  T x;
};
template <class T>
inline constexpr std::size_t alignment_of = offsetof(align_probe<T>, x);

struct format_def {
  char code;
  std::size_t size;
  std::size_t alignment;  // 0: none (every standard entry, and bytes in the native table)
};

// '@': native sizes and alignment (n, N and P exist only here).
inline constexpr format_def native_formats[] = {
    {'x', sizeof(char), 0},
    {'b', sizeof(char), 0},
    {'B', sizeof(char), 0},
    {'c', sizeof(char), 0},
    {'s', sizeof(char), 0},
    {'p', sizeof(char), 0},
    {'h', sizeof(short), alignment_of<short>},
    {'H', sizeof(short), alignment_of<short>},
    {'i', sizeof(int), alignment_of<int>},
    {'I', sizeof(int), alignment_of<int>},
    {'l', sizeof(long), alignment_of<long>},
    {'L', sizeof(long), alignment_of<long>},
    {'n', sizeof(std::size_t), alignment_of<std::size_t>},
    {'N', sizeof(std::size_t), alignment_of<std::size_t>},
    {'q', sizeof(long long), alignment_of<long long>},
    {'Q', sizeof(long long), alignment_of<long long>},
    {'?', sizeof(bool), alignment_of<bool>},
    {'e', sizeof(short), alignment_of<short>},
    {'f', sizeof(float), alignment_of<float>},
    {'d', sizeof(double), alignment_of<double>},
    {'P', sizeof(void*), alignment_of<void*>},
};

// '<', '>', '!', '=': standard sizes, no alignment.
inline constexpr format_def standard_formats[] = {
    {'x', 1, 0}, {'b', 1, 0}, {'B', 1, 0}, {'c', 1, 0}, {'s', 1, 0}, {'p', 1, 0},
    {'h', 2, 0}, {'H', 2, 0}, {'i', 4, 0}, {'I', 4, 0}, {'l', 4, 0}, {'L', 4, 0},
    {'q', 8, 0}, {'Q', 8, 0}, {'?', 1, 0}, {'e', 2, 0}, {'f', 4, 0}, {'d', 8, 0},
};

// By value: GCC cannot compare a pointer into these tables with nullptr in a constant
// expression when UBSan instruments it, which static_struct needs.
constexpr std::optional<format_def> find_format(char code, bool native) {
  if (native) {
    for (const auto& f : native_formats) {
      if (f.code == code) return f;
    }
  } else {
    for (const auto& f : standard_formats) {
      if (f.code == code) return f;
    }
  }
  return std::nullopt;
}

// Python's Py_ISSPACE: ASCII whitespace only.
constexpr bool is_format_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace netkit::detail
