#include "domain/conversation/conversation.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace agentd {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

// Whether `text` is well-formed UTF-8 (no cut or stray sequences).
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80) {
      length = 1;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

TEST(DeriveTitle, CollapsesWhitespace) {
  EXPECT_EQ(derive_title("  Plan\t a \n\n trip\r\nto   Rome  "), "Plan a trip to Rome");
}

TEST(DeriveTitle, KeepsAShortMessageAsItIs) {
  EXPECT_EQ(derive_title("What is 2+2?"), "What is 2+2?");
}

TEST(DeriveTitle, KeepsAMessageOfExactlyTheLimit) {
  const std::string exact(kMaxTitleBytes, 'a');

  EXPECT_EQ(derive_title(exact), exact);
}

TEST(DeriveTitle, CutsALongMessageWithAnEllipsis) {
  const std::string text = std::string(kMaxTitleBytes, 'a') + "b";

  const auto title = derive_title(text);

  EXPECT_LE(title.size(), kMaxTitleBytes);
  EXPECT_TRUE(ends_with(title, kEllipsis)) << title;
  const auto kept = title.substr(0, title.size() - kEllipsis.size());
  EXPECT_EQ(kept, std::string(kMaxTitleBytes - kEllipsis.size(), 'a'));
}

TEST(DeriveTitle, CollapsesBeforeMeasuring) {
  // 60 words of one letter: 119 bytes as collapsed, far more as written.
  std::string spaced;
  for (int i = 0; i < 60; ++i) spaced += "x      \n";

  const auto title = derive_title(spaced);

  EXPECT_LE(title.size(), kMaxTitleBytes);
  EXPECT_TRUE(ends_with(title, kEllipsis));
  EXPECT_EQ(title.rfind("x x x", 0), 0u) << title;
  EXPECT_EQ(title.find("  "), std::string::npos) << title;
}

TEST(DeriveTitle, NeverSplitsAMultibyteCharacter) {
  // Each width of UTF-8 character, placed at every offset around the cut.
  for (std::string_view character : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x99\x82"}) {
    for (std::size_t prefix = 70; prefix <= kMaxTitleBytes; ++prefix) {
      std::string text(prefix, 'a');
      for (int i = 0; i < 10; ++i) text += character;
      SCOPED_TRACE(testing::Message() << "prefix " << prefix << ", width " << character.size());

      const auto title = derive_title(text);

      EXPECT_LE(title.size(), kMaxTitleBytes);
      EXPECT_TRUE(is_valid_utf8(title)) << title;
      ASSERT_TRUE(ends_with(title, kEllipsis)) << title;
      const auto kept = title.substr(0, title.size() - kEllipsis.size());
      EXPECT_EQ(text.compare(0, kept.size(), kept), 0) << title;
      // Only as much is dropped as the cut needs: less than one character plus the ellipsis.
      EXPECT_GT(kept.size() + character.size() + kEllipsis.size(), kMaxTitleBytes) << title;
    }
  }
}

TEST(DeriveTitle, CutsTextOfOnlyMultibyteCharactersCleanly) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xE6\x97\xA5\xE6\x9C\xAC";  // 日本

  const auto title = derive_title(text);

  EXPECT_LE(title.size(), kMaxTitleBytes);
  EXPECT_TRUE(is_valid_utf8(title));
  EXPECT_TRUE(ends_with(title, kEllipsis));
}

TEST(DeriveTitle, DropsASpaceLeftBeforeTheEllipsis) {
  const std::string text = std::string(kMaxTitleBytes - kEllipsis.size() - 1, 'a') + " bcdefgh";

  const auto title = derive_title(text);

  EXPECT_EQ(title,
            std::string(kMaxTitleBytes - kEllipsis.size() - 1, 'a') + std::string(kEllipsis));
}

TEST(DeriveTitle, AnEmptyOrBlankMessageGivesAnEmptyTitle) {
  EXPECT_EQ(derive_title(""), "");
  EXPECT_EQ(derive_title(" \t\r\n "), "");
}

TEST(DeriveTitle, AcceptsAnyBytesAndAnyLength) {
  const std::string stray(200, '\x80');
  const std::string huge(1 << 20, 'z');

  EXPECT_LE(derive_title(stray).size(), kMaxTitleBytes);
  EXPECT_LE(derive_title(huge).size(), kMaxTitleBytes);
}

TEST(ConversationStatus, NamesRoundTrip) {
  for (auto status : {ConversationStatus::idle, ConversationStatus::running,
                      ConversationStatus::awaiting_approval}) {
    EXPECT_EQ(parse_conversation_status(to_string(status)), status) << to_string(status);
  }
  EXPECT_EQ(to_string(ConversationStatus::awaiting_approval), "awaiting_approval");
}

TEST(ConversationStatus, AnUnknownNameIsNotAStatus) {
  EXPECT_EQ(parse_conversation_status("Idle"), std::nullopt);
  EXPECT_EQ(parse_conversation_status(""), std::nullopt);
  EXPECT_EQ(parse_conversation_status("paused"), std::nullopt);
}

}  // namespace
}  // namespace agentd
