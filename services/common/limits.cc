#include "services/common/limits.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace convene {
namespace {

// Bytes of the UTF-8 sequence that starts at text[i], or 1 when none valid starts there.
size_t SequenceLength(absl::string_view text, size_t i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  size_t length = 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  }
  if (i + length > text.size()) return 1;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return length;
}

}  // namespace

size_t CharacterCount(absl::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); i += SequenceLength(text, i)) ++count;
  return count;
}

absl::Status CheckLength(absl::string_view field, absl::string_view text, size_t max) {
  // Most text is far below the limit in bytes already; count characters only when it may not be.
  if (text.size() <= max) return absl::OkStatus();
  const size_t count = CharacterCount(text);
  if (count <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", count, " characters, at most ", max));
}

absl::Status CheckCount(absl::string_view field, int64_t count, int64_t max,
                        absl::string_view what) {
  if (count <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", count, " ", what, ", at most ", max));
}

absl::Status CheckImportRows(int64_t rows) {
  if (rows <= kMaxImportRows) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("rows: ", rows, " rows, at most ", kMaxImportRows,
                                                 " in one import; split the file"));
}

absl::Status CheckResponseSize(const google::protobuf::Message& response,
                               absl::string_view advice) {
  const size_t bytes = response.ByteSizeLong();
  if (bytes <= static_cast<size_t>(kMaxMessageBytes)) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("the answer would be ", bytes / (1024 * 1024), " MB, more than the ",
                   kMaxMessageBytes / (1024 * 1024), " MB a message may carry; ", advice));
}

std::string ShortenErrorMessage(absl::string_view message) {
  if (message.size() <= kMaxErrorMessageBytes) return std::string(message);
  constexpr absl::string_view kEllipsis = "…";
  size_t end = kMaxErrorMessageBytes - kEllipsis.size();
  // Back up to the start of a character.
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(message.substr(0, end), kEllipsis);
}

}  // namespace convene
