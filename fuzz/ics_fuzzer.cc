// iCalendar TEXT escaping and line folding (services/agenda/export.h) on any text: session titles,
// descriptions, rooms and people's names all reach calendar files through them.
//
// Properties: an escaped value holds no line break or other control character but tab, every
// backslash starts one of \\ \; \, \n, and unescaping gives the text back (line breaks as LF,
// dropped control characters aside); a folded line is CRLF-ended physical lines of at most 75
// octets, continuations starting with one space, that unfold to the line, and for UTF-8 text no
// fold falls inside a character.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "services/agenda/export.h"

namespace {

// What escaping keeps of `text`: line breaks (CRLF, CR, LF) as LF, control characters but tab
// dropped.
std::string Kept(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.push_back('\n');
    } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string Unescape(absl::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      out.push_back(escaped[i]);
      continue;
    }
    CONVENE_FUZZ_CHECK(i + 1 < escaped.size(), "an escaped value ends in a backslash");
    const char next = escaped[++i];
    CONVENE_FUZZ_CHECK(next == '\\' || next == ';' || next == ',' || next == 'n',
                       absl::StrCat("\\", std::string(1, next), " in an escaped value"));
    out.push_back(next == 'n' ? '\n' : next);
  }
  return out;
}

void CheckFold(absl::string_view line) {
  const std::string folded = convene::agenda::IcsFoldLine(line);
  CONVENE_FUZZ_CHECK(folded.size() >= 2 && folded.substr(folded.size() - 2) == "\r\n",
                     "a folded line does not end with CRLF");
  std::vector<absl::string_view> physical =
      absl::StrSplit(absl::string_view(folded).substr(0, folded.size() - 2), "\r\n");
  std::string unfolded;
  for (size_t i = 0; i < physical.size(); ++i) {
    absl::string_view part = physical[i];
    CONVENE_FUZZ_CHECK(part.size() <= 75, absl::StrCat("a physical line of ", part.size(), " octets"));
    if (i > 0) {
      CONVENE_FUZZ_CHECK(!part.empty() && part[0] == ' ', "a continuation without its space");
      part.remove_prefix(1);
      if (convene::fuzz::IsUtf8(line)) {
        CONVENE_FUZZ_CHECK(part.empty() || (static_cast<unsigned char>(part[0]) & 0xC0) != 0x80,
                           "a fold inside a UTF-8 character");
      }
    }
    absl::StrAppend(&unfolded, part);
  }
  CONVENE_FUZZ_CHECK(unfolded == line, "unfolding does not give the line back");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string escaped = convene::agenda::IcsEscapeText(text);
  for (char c : escaped) {
    const unsigned char u = static_cast<unsigned char>(c);
    CONVENE_FUZZ_CHECK(u == '\t' || (u >= 0x20 && u != 0x7f),
                       absl::StrCat("control character ", static_cast<int>(u), " escaped"));
  }
  CONVENE_FUZZ_CHECK(Unescape(escaped) == Kept(text), "unescaping does not give the text back");
  CheckFold(absl::StrCat("SUMMARY:", escaped));
  CheckFold(escaped);
  return 0;
}
