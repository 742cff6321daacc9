#include "common/base/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace wharf {
namespace {

TEST(Crc32cTest, StandardCheckValue) { EXPECT_EQ(Crc32c("123456789"), 0xE3069283u); }

TEST(Crc32cTest, KnownVectors) {
  // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, of 0xFF, ascending, descending.
  std::string zeros(32, '\0');
  std::string ones(32, '\xFF');
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  const std::string data = "the quick brown fox jumps over the lazy dog, twice over";
  for (size_t split = 0; split <= data.size(); ++split) {
    const uint32_t head = Crc32c(std::string_view(data).substr(0, split));
    EXPECT_EQ(Crc32cExtend(head, data.data() + split, data.size() - split), Crc32c(data))
        << "split " << split;
  }
}

TEST(Crc32cTest, PortableAndHardwareAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t size = 0; size + offset <= data.size(); ++size) {
      const char* p = data.data() + offset;
      const uint32_t portable = crc32c_internal::Portable(0, p, size);
      EXPECT_EQ(Crc32cExtend(0, p, size), portable) << offset << "+" << size;
      if (crc32c_internal::HardwareAvailable()) {
        EXPECT_EQ(crc32c_internal::Hardware(0, p, size), portable) << offset << "+" << size;
      }
    }
  }
}

}  // namespace
}  // namespace wharf
