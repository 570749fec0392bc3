// Python's str semantics over netkit's byte strings, shared by src/http; internal.
//
// Python's http.server reads the request line as Latin-1 text, so a request target is a str
// whose characters are its bytes; the files it names are str decoded from the file system with
// UTF-8 and errors='surrogateescape'. netkit keeps both as bytes and mirrors the str operations:
// a str is represented by its UTF-8 encoding with errors='surrogatepass' (a lone surrogate
// U+D800..U+DFFF is the three bytes ED xx xx), which is lossless.
#pragma once

#include <string>
#include <string_view>

namespace netkit::http::detail {

// str(raw, 'latin-1') as UTF-8: each byte 0x80..0xFF becomes two bytes.
std::string latin1_to_utf8(std::string_view raw);

// The length of the well-formed UTF-8 sequence at s[i] (1..4), or 0 when there is none.
// With allow_surrogates, ED A0..BF xx (an encoded surrogate) counts as well-formed, as
// errors='surrogatepass' lets it through.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i, bool allow_surrogates);

// urllib.parse.unquote(str(raw, 'latin-1'), errors='surrogatepass'), falling back to
// unquote(..., errors='replace') when that raises UnicodeDecodeError, as translate_path and
// list_directory do. Returns the str as described above.
std::string unquote_path(std::string_view raw);

// bytes.decode('utf-8', 'surrogateescape') (os.fsdecode): each byte that is not part of a
// well-formed sequence becomes U+DC80..U+DCFF.
std::string fsdecode(std::string_view name);

// str.encode('utf-8', 'surrogateescape') (os.fsencode, and how list_directory encodes its
// page): U+DC80..U+DCFF become the single bytes 0x80..0xFF; other surrogates are kept as
// their three bytes (Python would raise UnicodeEncodeError instead).
std::string fsencode(std::string_view text);

// html.escape(s, quote=False): & < > only.
void append_html_escaped(std::string& out, std::string_view s);

}  // namespace netkit::http::detail
