#include "pipeline/decompress.h"

#include <zlib.h>

namespace ctem::pipeline {

bool IsGzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> MaybeGunzip(std::string_view bytes, size_t max_bytes) {
  if (!IsGzip(bytes)) return std::string(bytes);
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Fail(Error::Internal("zlib: inflateInit2 failed"));
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Fail(Error::InvalidArgument(std::string("gzip: corrupt or truncated data (") +
                                         (zs.msg ? zs.msg : "inflate failed") + ")"));
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return Fail(Error::InvalidArgument("gzip: decompressed size exceeds " + std::to_string(max_bytes) + " bytes"));
    }
    if (rc != Z_STREAM_END && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Fail(Error::InvalidArgument("gzip: truncated data"));
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace ctem::pipeline
