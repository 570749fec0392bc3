// read_directory and list_directory_html: a hand-checked page, then temporary directories with
// awkward names compared byte for byte with CPython's list_directory, run by
// tests/tools/http_list_directory.py (skipped when python3 is missing).
#include "netkit/http/directory_listing.hpp"

#include <gtest/gtest.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../vectors.hpp"

namespace {

using netkit_test::hex;
namespace fs = std::filesystem;
namespace http = netkit::http;

TEST(http_list_directory_html, a_small_page) {
  const std::string page =
      http::list_directory_html("/d%20x/?a=<b>&c", {{"b.txt", false, false},
                                                    {"A dir", true, false},
                                                    {"<a&b>", false, false},
                                                    {"ln", true, true},
                                                    {"B.txt", false, false},
                                                    {"caf\xC3\xA9", false, true}});
  EXPECT_EQ(page,
            "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Directory listing for /d x/?a=&lt;b&gt;&amp;c</title>\n</head>\n<body>\n"
            "<h1>Directory listing for /d x/?a=&lt;b&gt;&amp;c</h1>\n<hr>\n<ul>\n"
            "<li><a href=\"%3Ca%26b%3E\">&lt;a&amp;b&gt;</a></li>\n"
            "<li><a href=\"A%20dir/\">A dir/</a></li>\n"
            "<li><a href=\"b.txt\">b.txt</a></li>\n"
            "<li><a href=\"B.txt\">B.txt</a></li>\n"
            "<li><a href=\"caf%C3%A9\">caf\xC3\xA9@</a></li>\n"
            "<li><a href=\"ln/\">ln@</a></li>\n"
            "</ul>\n<hr>\n</body>\n</html>\n");
}

TEST(http_list_directory_html, empty_directory_and_undecodable_names) {
  EXPECT_EQ(http::list_directory_html("/", {}),
            "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Directory listing for /</title>\n</head>\n<body>\n"
            "<h1>Directory listing for /</h1>\n<hr>\n<ul>\n</ul>\n<hr>\n</body>\n</html>\n");
  const std::string page = http::list_directory_html("/%ff/", {{"x\xFF", false, false}});
  EXPECT_NE(page.find("<li><a href=\"x%ED%B3%BF\">x\xFF</a></li>"), std::string::npos);
  EXPECT_NE(page.find("Directory listing for /\xEF\xBF\xBD/"), std::string::npos);
}

// --- against python3 -------------------------------------------------------------------

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The oracle's output lines (the file-system encoding first), or an empty vector when it fails.
std::vector<std::string> run_python(const fs::path& dir, const std::vector<std::string>& paths) {
  const fs::path script = fs::path(__FILE__).parent_path().parent_path().parent_path() / "tools" /
                          "http_list_directory.py";
  std::string cmd = "PYTHONUTF8=1 timeout 60 " + shell_quote(NETKIT_PYTHON) + " " +
                    shell_quote(script.string()) + " " + shell_quote(dir.string());
  for (const auto& p : paths) cmd += " " + hex(p);
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return {};
  std::string text;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  if (::pclose(f) != 0) return {};
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find('\n', start)) != std::string::npos; start = at + 1)
    lines.push_back(text.substr(start, at - start));
  return lines;
}

bool python_available() { return ::access(NETKIT_PYTHON, X_OK) == 0; }

class listing_vs_python : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!python_available()) GTEST_SKIP() << "python3 (" << NETKIT_PYTHON << ") not found";
    std::string templ = (fs::temp_directory_path() / "netkit_listing_XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  void touch(const std::string& name) { std::ofstream(dir_ / name) << "x"; }

  // Our page and Python's for each request path; returns how many were compared.
  int compare(const std::vector<std::string>& paths) {
    const auto lines = run_python(dir_, paths);
    EXPECT_EQ(lines.size(), paths.size() + 1) << "the python3 oracle failed";
    if (lines.size() != paths.size() + 1) return 0;
    EXPECT_EQ(lines[0], "utf-8");
    int compared = 0;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (lines[i + 1].rfind("ERROR", 0) == 0) {
        ADD_FAILURE() << "python3 raised for " << paths[i] << ": " << lines[i + 1];
        continue;
      }
      const std::string ours = http::list_directory_html(paths[i], http::read_directory(dir_));
      EXPECT_EQ(hex(ours), lines[i + 1]) << "request path " << paths[i] << "\nours:\n" << ours;
      ++compared;
    }
    return compared;
  }

  fs::path dir_;
};

const std::vector<std::string> request_paths = {
    "/",     "/dir/",       "/a%20b/",   "/%3Cscript%3E/", "/caf%C3%A9/?q=<x>&y=\"1\"",
    "/%ff/", "/%ED%B2%80/", "/raw\xE9/", "/a/../b/",       "/x#frag",
    "/%25/", "/&amp;/"};

TEST_F(listing_vs_python, awkward_names) {
  for (const char* name : {"<b>&\"'",
                           "a b",
                           "100%",
                           "%41",
                           "caf\xC3\xA9",
                           "CAF\xC3\x89",
                           "Zeta",
                           "zeta",
                           "alpha",
                           "ALPHA",
                           "Alpha",
                           "\xCE\xA3\xCE\x91\xCE\xA3",
                           "\xCF\x83\xCE\xB1\xCF\x82",
                           "\xC4\xB0stanbul",
                           "istanbul",
                           "\xC7\x85x",
                           "x\xFF y",
                           "\xED\xA0\x80",
                           "\xC3",
                           "emoji \xF0\x9F\x98\x80",
                           "new\nline",
                           "tab\t",
                           "quote\"",
                           "#hash",
                           "?q",
                           "back\\slash",
                           "\xC3\x9F",
                           "\xE1\xBA\x9E",
                           "\xE2\x84\xAA",
                           "k",
                           "K",
                           "_under",
                           "~tilde",
                           "-dash",
                           ".hidden",
                           "index.html.bak",
                           "a+b=c;d,e",
                           "\xE2\x80\xAE"
                           "rtl",
                           "\x01"
                           "ctl",
                           "\x7f"
                           "del"})
    touch(name);
  fs::create_directory(dir_ / "sub");
  fs::create_directory(dir_ / "Sub2");
  fs::create_directory(dir_ / "dir & <x>");
  fs::create_directory_symlink("sub", dir_ / "link_dir");
  fs::create_symlink("alpha", dir_ / "link_file");
  fs::create_symlink("nowhere", dir_ / "dangling");
  fs::create_directory_symlink("/", dir_ / "to_root");
  EXPECT_EQ(compare(request_paths), static_cast<int>(request_paths.size()));
}

TEST_F(listing_vs_python, sigma_and_case_ties) {
  // Final sigma changes str.lower(): "ΑΣ" sorts as "ας", "ΑΣΑ" as "ασα".
  for (const char* name : {"\xCE\x91\xCE\xA3",
                           "\xCE\xB1\xCF\x83",
                           "\xCE\xB1\xCF\x82",
                           "\xCE\x91\xCE\xA3\xCE\x91",
                           "\xCE\xA3",
                           "\xCE\x91'\xCE\xA3",
                           "\xCE\x91\xCE\xA3'",
                           "\xCE\x91\xCE\xA3'\xCE\x91",
                           "\xCE\x91\xCC\x81\xCE\xA3",
                           "a\xCE\xA3.txt",
                           "A\xCE\xA3 b",
                           "\xCE\xA3\xCE\xA3",
                           "AB",
                           "Ab",
                           "aB",
                           "ab",
                           "A",
                           "a",
                           "\xC3\x80",
                           "\xC3\xA0"})
    touch(name);
  EXPECT_EQ(compare({"/"}), 1);
}

TEST_F(listing_vs_python, random_names) {
  std::mt19937 rng(4242);
  const std::vector<std::string> pieces = {"a",
                                           "A",
                                           "b",
                                           "B",
                                           "z",
                                           "Z",
                                           "0",
                                           "9",
                                           " ",
                                           ".",
                                           "-",
                                           "_",
                                           "%",
                                           "&",
                                           "<",
                                           ">",
                                           "\"",
                                           "'",
                                           "\xC3\xA9",
                                           "\xC3\x89",
                                           "\xCE\xA3",
                                           "\xCF\x83",
                                           "\xCF\x82",
                                           "\xC4\xB0",
                                           "\xE2\x84\xAA",
                                           "\xFF",
                                           "\x80",
                                           "\xED\xB2\x80",
                                           "\xF0\x9F\x98\x80",
                                           "\xE1\xBA\x9E",
                                           "\xC3\x9F",
                                           "\xCC\x81",
                                           "\xD0\x96",
                                           "\xD0\xB6",
                                           "\xE2\x80\x8B",
                                           "?",
                                           "#",
                                           "+",
                                           "\x1b"};
  int made = 0;
  for (int i = 0; i < 400; ++i) {
    std::string name;
    const int len = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < len; ++k) name += pieces[rng() % pieces.size()];
    if (name == "." || name == ".." || fs::exists(fs::symlink_status(dir_ / name))) continue;
    if (rng() % 5 == 0) {
      fs::create_directory(dir_ / name);
    } else {
      touch(name);
    }
    ++made;
  }
  EXPECT_GT(made, 300);
  EXPECT_EQ(compare({"/", "/r%C3%A9p/"}), 2);
}

TEST(http_read_directory, missing_directory_throws) {
  EXPECT_THROW(http::read_directory("/nonexistent/netkit/dir"), fs::filesystem_error);
}

}  // namespace
