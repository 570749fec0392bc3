// translate_path against tests/data/http/path_vectors.json (SimpleHTTPRequestHandler's, CPython
// 3.11.7, written by tests/tools/gen_http_path_vectors.py), and inside_root on a temporary tree
// with symlinks pointing in, out and nowhere.
#include "netkit/http/static_paths.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "../vectors.hpp"

namespace {

using netkit_test::hex;
using netkit_test::latin1;
using json = nlohmann::json;
namespace fs = std::filesystem;
namespace http = netkit::http;

// No word of what follows root is "." or "..": the path cannot climb out lexically.
bool stays_under(const std::string& root, const std::string& path) {
  if (path.compare(0, root.size(), root) != 0) return false;
  std::size_t start = root.size();
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string word = path.substr(start, end - start);
    if (word == "." || word == "..") return false;
    start = end + 1;
  }
  return true;
}

TEST(http_translate_path, every_vector_as_python) {
  const json v = netkit_test::load_json("http/path_vectors.json");
  std::size_t n = 0;
  for (const json& row : v["translate_path"]) {
    const std::string root = row[0].get<std::string>();
    const std::string path = latin1(row[1].get<std::string>());
    const std::string got = http::translate_path(root, path);
    EXPECT_EQ(hex(got), row[2].get<std::string>()) << root << " " << row[1];
    EXPECT_TRUE(stays_under(root, got)) << root << " " << row[1];
    ++n;
  }
  EXPECT_GT(n, 6000u);
}

TEST(http_translate_path, examples) {
  EXPECT_EQ(http::translate_path("/srv/www", "/a/../b%20c/?q=1"), "/srv/www/b c/");
  EXPECT_EQ(http::translate_path("/srv/www", "/../../etc/passwd"), "/srv/www/etc/passwd");
  EXPECT_EQ(http::translate_path("/srv/www", "/%2e%2e/%2e%2e/etc"), "/srv/www/etc");
  EXPECT_EQ(http::translate_path("/srv/www", "/..%2f..%2fetc"), "/srv/www/etc");
  EXPECT_EQ(http::translate_path("/srv/www", "/%ff"), "/srv/www/\xEF\xBF\xBD");
  EXPECT_EQ(http::translate_path("/srv/www", "/caf\xE9"), "/srv/www/caf\xC3\xA9");
  EXPECT_EQ(http::translate_path("/srv/www", "/a%00b"), std::string("/srv/www/a\0b", 12));
  EXPECT_EQ(http::translate_path("", "/"), "./");  // not "/", as Python would answer
  EXPECT_EQ(http::translate_path("", "/a/b"), "./a/b");
}

// A temporary tree:  base/root/{file, sub/inner, in -> sub, out -> ../outside, dangling}
//                    base/outside/secret, base/link_root -> root, base/root2/x
class inside_root_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "netkit_inside_root_XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    base_ = templ;
    root_ = base_ / "root";
    fs::create_directories(root_ / "sub");
    fs::create_directories(base_ / "outside");
    fs::create_directories(base_ / "root2");
    std::ofstream(root_ / "file") << "x";
    std::ofstream(root_ / "sub" / "inner") << "x";
    std::ofstream(base_ / "outside" / "secret") << "x";
    std::ofstream(base_ / "root2" / "x") << "x";
    fs::create_directory_symlink("sub", root_ / "in");
    fs::create_directory_symlink("../outside", root_ / "out");
    fs::create_symlink(base_ / "outside" / "secret", root_ / "secret_link");
    fs::create_symlink("no_such_file", root_ / "dangling");
    fs::create_symlink("../outside/missing", root_ / "dangling_out");
    fs::create_directory_symlink("root", base_ / "link_root");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  fs::path base_, root_;
};

TEST_F(inside_root_test, plain_files_and_root_itself) {
  EXPECT_TRUE(http::inside_root(root_, root_));
  EXPECT_TRUE(http::inside_root(root_, root_ / "file"));
  EXPECT_TRUE(http::inside_root(root_, root_ / "sub" / "inner"));
  EXPECT_TRUE(http::inside_root(root_, root_ / "sub" / ".." / "file"));
  EXPECT_FALSE(http::inside_root(root_, root_ / ".." / "outside" / "secret"));
  EXPECT_FALSE(http::inside_root(root_, base_));
  EXPECT_FALSE(http::inside_root(root_, base_ / "root2" / "x"));  // a prefix, not a parent
  EXPECT_FALSE(http::inside_root(root_, root_ / "missing"));
  EXPECT_TRUE(http::inside_root("/", root_ / "file"));
}

TEST_F(inside_root_test, symlinks_in_out_and_dangling) {
  EXPECT_TRUE(http::inside_root(root_, root_ / "in"));
  EXPECT_TRUE(http::inside_root(root_, root_ / "in" / "inner"));
  EXPECT_FALSE(http::inside_root(root_, root_ / "out"));
  EXPECT_FALSE(http::inside_root(root_, root_ / "out" / "secret"));
  EXPECT_FALSE(http::inside_root(root_, root_ / "secret_link"));
  EXPECT_FALSE(http::inside_root(root_, root_ / "dangling"));
  EXPECT_FALSE(http::inside_root(root_, root_ / "dangling_out"));
}

TEST_F(inside_root_test, symlinked_root) {
  const fs::path link_root = base_ / "link_root";
  EXPECT_TRUE(http::inside_root(link_root, link_root));
  EXPECT_TRUE(http::inside_root(link_root, link_root / "file"));
  EXPECT_TRUE(http::inside_root(link_root, root_ / "sub" / "inner"));
  EXPECT_TRUE(http::inside_root(root_, link_root / "in" / "inner"));
  EXPECT_FALSE(http::inside_root(link_root, link_root / "out" / "secret"));
  EXPECT_FALSE(http::inside_root(base_ / "no_root", root_ / "file"));
}

TEST_F(inside_root_test, translated_paths_and_nul) {
  EXPECT_TRUE(http::inside_root(root_, http::translate_path(root_.string(), "/in/inner")));
  EXPECT_FALSE(http::inside_root(root_, http::translate_path(root_.string(), "/out/secret")));
  // ".." cannot climb: "/../../root/file" names root/root/file, which does not exist.
  EXPECT_EQ(http::translate_path(root_.string(), "/../../root/file"),
            (root_ / "root" / "file").string());
  EXPECT_FALSE(http::inside_root(root_, root_ / "root" / "file"));
  EXPECT_FALSE(http::inside_root(root_, http::translate_path(root_.string(), "/file%00x")));
}

}  // namespace
