#include "common/bus/envelope_codec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "tests/common/bus/bus_test_util.h"

namespace wharf::bus {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::ImagePushedEnvelope;
using testing::RandomBytes;

v1::Envelope RichEnvelope() {
  v1::Envelope envelope;
  envelope.set_schema_version(kSchemaVersion);
  envelope.set_id("0123456789abcdef");
  envelope.set_source("watcher/spec@host:42");
  envelope.set_sequence(7);
  envelope.set_timestamp_unix_ms(1'700'000'000'123);
  envelope.set_correlation_id("trace-1");
  auto* changed = envelope.mutable_spec_changed();
  changed->set_file("/etc/wharf/apps/shop.yaml");
  changed->set_spec_hash("sha256:abc");
  return envelope;
}

TEST(EnvelopeCodecTest, TopicIsThePayloadFieldName) {
  EXPECT_EQ(EnvelopeCodec::Topic(RichEnvelope()), "spec_changed");
  EXPECT_EQ(EnvelopeCodec::Topic(ImagePushedEnvelope("v1")), "image_pushed");
  EXPECT_EQ(EnvelopeCodec::Topic(v1::Envelope()), "");
}

TEST(EnvelopeCodecTest, DropReasonNamesAreCounterSuffixes) {
  EXPECT_EQ(DropReasonName(DropReason::kFrameCount), "frame_count");
  EXPECT_EQ(DropReasonName(DropReason::kOversized), "oversized");
  EXPECT_EQ(DropReasonName(DropReason::kUnparseable), "unparseable");
  EXPECT_EQ(DropReasonName(DropReason::kBadVersion), "bad_version");
  EXPECT_EQ(DropReasonName(DropReason::kUnknownType), "unknown_type");
  EXPECT_EQ(DropReasonName(DropReason::kTopicMismatch), "topic_mismatch");
}

// Every payload type survives both encodings, with its topic.
TEST(EnvelopeCodecTest, RoundTripsEveryPayloadType) {
  const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
  ASSERT_NE(oneof, nullptr);
  ASSERT_GT(oneof->field_count(), 10);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto* field = oneof->field(i);
    SCOPED_TRACE(field->name());
    v1::Envelope envelope = RichEnvelope();
    envelope.GetReflection()->MutableMessage(&envelope, field);  // selects this payload
    ASSERT_EQ(envelope.payload_case(), field->number());

    Frames frames = EnvelopeCodec::EncodePubSub(envelope);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0], field->name());
    auto pubsub = EnvelopeCodec::DecodePubSub(frames);
    ASSERT_TRUE(pubsub.ok()) << pubsub.status().ToString();
    EXPECT_TRUE(MessageDifferencer::Equals(*pubsub, envelope));

    auto single = EnvelopeCodec::DecodeSingle(EnvelopeCodec::EncodeSingle(envelope));
    ASSERT_TRUE(single.ok()) << single.status().ToString();
    EXPECT_TRUE(MessageDifferencer::Equals(*single, envelope));

    auto one_frame = EnvelopeCodec::DecodeSingleFrame({EnvelopeCodec::EncodeSingle(envelope)});
    ASSERT_TRUE(one_frame.ok()) << one_frame.status().ToString();
  }
}

v1::Envelope WithVersion(uint32_t version) {
  v1::Envelope envelope = RichEnvelope();
  envelope.set_schema_version(version);
  return envelope;
}

// A protobuf varint.
std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
  return out;
}

// The key of a length-delimited field.
std::string LengthDelimitedKey(int field_number) {
  return Varint((static_cast<uint64_t>(field_number) << 3) | 2);
}

// schema_version = 1, then field 99: a payload type from a newer schema.
std::string UnknownFieldEnvelope() {
  v1::Envelope no_payload;
  no_payload.set_schema_version(kSchemaVersion);
  return no_payload.SerializeAsString() + LengthDelimitedKey(99) + Varint(3) + "new";
}

struct DropCase {
  std::string name;
  Frames frames;
  DropReason reason;
};

TEST(EnvelopeCodecTest, DropsGarbagePubSubWithReason) {
  const std::string good = RichEnvelope().SerializeAsString();
  v1::Envelope no_payload = RichEnvelope();
  no_payload.clear_payload();
  v1::Envelope huge = RichEnvelope();
  huge.mutable_spec_changed()->set_file(std::string(kMaxEnvelopeBytes, 'x'));

  const std::vector<DropCase> cases = {
      {"no frames", {}, DropReason::kFrameCount},
      {"one frame", {good}, DropReason::kFrameCount},
      {"three frames", {"spec_changed", good, "extra"}, DropReason::kFrameCount},
      {"oversized", {"spec_changed", huge.SerializeAsString()}, DropReason::kOversized},
      {"oversized garbage",
       {"x", std::string(kMaxEnvelopeBytes + 1, '\xff')},
       DropReason::kOversized},
      {"unparseable",
       {"spec_changed", std::string("\xff\xff\xff\xff", 4)},
       DropReason::kUnparseable},
      {"truncated", {"spec_changed", good.substr(0, good.size() - 3)}, DropReason::kUnparseable},
      {"version 0", {"spec_changed", WithVersion(0).SerializeAsString()}, DropReason::kBadVersion},
      {"version 2", {"spec_changed", WithVersion(2).SerializeAsString()}, DropReason::kBadVersion},
      {"empty envelope", {"", ""}, DropReason::kBadVersion},
      {"no payload", {"", no_payload.SerializeAsString()}, DropReason::kUnknownType},
      {"unknown payload", {"new_thing", UnknownFieldEnvelope()}, DropReason::kUnknownType},
      {"wrong topic", {"app_status", good}, DropReason::kTopicMismatch},
      {"topic prefix only", {"spec_", good}, DropReason::kTopicMismatch},
      {"empty topic", {"", good}, DropReason::kTopicMismatch},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodePubSub(c.frames, &reason);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(reason, c.reason) << decoded.status().ToString();
    EXPECT_EQ(decoded.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(EnvelopeCodecTest, DecodeSingleFrameChecksFrameCount) {
  const std::string good = RichEnvelope().SerializeAsString();
  DropReason reason{};
  EXPECT_FALSE(EnvelopeCodec::DecodeSingleFrame({}, &reason).ok());
  EXPECT_EQ(reason, DropReason::kFrameCount);
  EXPECT_FALSE(EnvelopeCodec::DecodeSingleFrame({good, good}, &reason).ok());
  EXPECT_EQ(reason, DropReason::kFrameCount);
  EXPECT_TRUE(EnvelopeCodec::DecodeSingleFrame({good}).ok());
}

TEST(EnvelopeCodecTest, SizeLimitIsInclusive) {
  // Exactly at the limit is parsed (and found to be garbage), one more byte is not.
  DropReason reason{};
  EXPECT_FALSE(EnvelopeCodec::DecodeSingle(std::string(kMaxEnvelopeBytes, '\xff'), &reason).ok());
  EXPECT_NE(reason, DropReason::kOversized);
  EXPECT_FALSE(
      EnvelopeCodec::DecodeSingle(std::string(kMaxEnvelopeBytes + 1, '\xff'), &reason).ok());
  EXPECT_EQ(reason, DropReason::kOversized);
}

// Seeded random bytes never crash the decoder; whatever decodes is a valid
// envelope of this schema.
TEST(EnvelopeCodecTest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(12345);
  int decoded_count = 0;
  for (uint64_t seed = 0; seed < 5000; ++seed) {
    const size_t size = rng() % 300;
    const std::string bytes = RandomBytes(seed, size);
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodeSingle(bytes, &reason);
    if (decoded.ok()) {
      ++decoded_count;
      EXPECT_EQ(decoded->schema_version(), kSchemaVersion);
      EXPECT_NE(decoded->payload_case(), v1::Envelope::PAYLOAD_NOT_SET);
    }
    Frames frames = {RandomBytes(seed + 1, rng() % 16), bytes};
    (void)EnvelopeCodec::DecodePubSub(frames, &reason);
  }
  // Random bytes virtually never carry version 1 and a payload.
  EXPECT_LT(decoded_count, 50);
}

// Random bytes behind a valid prefix (schema_version = 1) exercise the
// payload parsers too.
TEST(EnvelopeCodecTest, RandomPayloadBytesNeverCrash) {
  const std::string prefix = WithVersion(kSchemaVersion).SerializeAsString().substr(0, 2);
  ASSERT_EQ(prefix[0], 0x08);  // field 1, varint
  const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    const auto* field = oneof->field(static_cast<int>(seed % oneof->field_count()));
    const std::string body = RandomBytes(seed, seed % 120);
    const std::string bytes =
        prefix + LengthDelimitedKey(field->number()) + Varint(body.size()) + body;
    auto decoded = EnvelopeCodec::DecodeSingle(bytes);
    if (decoded.ok()) {
      EXPECT_EQ(decoded->payload_case(), field->number());
    }
  }
}

// Every prefix of a valid encoding decodes to some valid envelope or is
// dropped as unparseable/bad version/unknown type; never anything else.
TEST(EnvelopeCodecTest, EveryTruncationIsHandled) {
  v1::Envelope envelope = RichEnvelope();
  envelope.mutable_spec_changed()->mutable_spec();
  const std::string bytes = envelope.SerializeAsString();
  const std::set<DropReason> allowed = {DropReason::kUnparseable, DropReason::kBadVersion,
                                        DropReason::kUnknownType};
  int decoded_count = 0;
  for (size_t length = 0; length <= bytes.size(); ++length) {
    SCOPED_TRACE(length);
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodeSingle(std::string_view(bytes).substr(0, length), &reason);
    if (decoded.ok()) {
      ++decoded_count;
      EXPECT_EQ(decoded->schema_version(), kSchemaVersion);
      EXPECT_NE(decoded->payload_case(), v1::Envelope::PAYLOAD_NOT_SET);
    } else {
      EXPECT_TRUE(allowed.count(reason)) << decoded.status().ToString();
    }
    // And as a pub/sub message with the right topic.
    (void)EnvelopeCodec::DecodePubSub({"spec_changed", bytes.substr(0, length)}, &reason);
  }
  EXPECT_GE(decoded_count, 1);  // at least the full encoding
}

}  // namespace
}  // namespace wharf::bus
