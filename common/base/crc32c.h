#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wharf {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and
// final xor 0xFFFFFFFF), as used by iSCSI, ext4 and LevelDB. The check value
// of "123456789" is 0xE3069283. Uses the SSE4.2 crc32 instruction when the CPU
// has it, a table otherwise; both give the same values. Thread-safe.
uint32_t Crc32c(std::string_view data);

// The CRC-32C of (the data whose CRC-32C is `crc`) followed by `data`:
// Crc32cExtend(Crc32c(a), b) == Crc32c(a + b), and Crc32cExtend(0, x) == Crc32c(x).
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t size);

namespace crc32c_internal {
// The two implementations, exposed so tests can compare them. Hardware()
// requires HardwareAvailable().
uint32_t Portable(uint32_t crc, const void* data, size_t size);
uint32_t Hardware(uint32_t crc, const void* data, size_t size);
bool HardwareAvailable();
}  // namespace crc32c_internal

}  // namespace wharf
