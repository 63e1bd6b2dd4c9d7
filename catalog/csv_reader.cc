#include "catalog/csv_reader.h"

#include <algorithm>
#include <cstring>

namespace sky::catalog {

CsvReader::CsvReader(std::string_view data, char delimiter) : data_(data), delimiter_(delimiter) {
  // A UTF-8 byte order mark is not part of the first field.
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::SkipBlankLines() {
  while (pos_ < data_.size()) {
    if (data_[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (data_[pos_] == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
    } else {
      return true;
    }
  }
  return false;
}

void CsvReader::ReadPlain() {
  const char* base = data_.data();
  size_t end = pos_;
  // Fast scan for the delimiter or a line feed.
  while (end < data_.size() && data_[end] != delimiter_ && data_[end] != '\n') ++end;
  size_t stop = end;
  if (stop > pos_ && base[stop - 1] == '\r' && (stop == data_.size() || data_[stop] == '\n')) {
    --stop;
  }
  spans_.push_back(Span{false, pos_, stop - pos_});
  pos_ = end;
}

bool CsvReader::ReadQuoted() {
  const int64_t start_line = line_;
  ++pos_;  // opening quote
  size_t scratch_begin = std::string::npos;
  size_t piece_begin = pos_;
  while (true) {
    const void* hit = std::memchr(data_.data() + pos_, '"', data_.size() - pos_);
    const size_t quote = hit ? static_cast<const char*>(hit) - data_.data() : data_.size();
    line_ += std::count(data_.begin() + pos_, data_.begin() + quote, '\n');
    if (quote == data_.size()) {
      pos_ = data_.size();
      record_line_ = start_line;
      error_ = "unterminated quote";
      return false;
    }
    if (quote + 1 < data_.size() && data_[quote + 1] == '"') {
      // A doubled quote: the field needs unescaping into scratch space.
      if (scratch_begin == std::string::npos) scratch_begin = scratch_.size();
      scratch_.append(data_.data() + piece_begin, quote + 1 - piece_begin);
      pos_ = quote + 2;
      piece_begin = pos_;
      continue;
    }
    if (scratch_begin == std::string::npos) {
      spans_.push_back(Span{false, piece_begin, quote - piece_begin});
    } else {
      scratch_.append(data_.data() + piece_begin, quote - piece_begin);
      spans_.push_back(Span{true, scratch_begin, scratch_.size() - scratch_begin});
    }
    pos_ = quote + 1;
    return AtFieldEnd();
  }
}

bool CsvReader::AtFieldEnd() {
  if (pos_ < data_.size() && data_[pos_] == '\r' && pos_ + 1 < data_.size() &&
      data_[pos_ + 1] == '\n') {
    ++pos_;
  }
  if (pos_ < data_.size() && data_[pos_] != delimiter_ && data_[pos_] != '\n') {
    error_ = "unexpected character after closing quote";
    return false;
  }
  return true;
}

void CsvReader::SkipRestOfLine() {
  while (pos_ < data_.size() && data_[pos_] != '\n') ++pos_;
  if (pos_ < data_.size()) {
    ++pos_;
    ++line_;
  }
}

CsvReader::Outcome CsvReader::Next(std::vector<std::string_view>& fields) {
  fields.clear();
  spans_.clear();
  scratch_.clear();
  error_.clear();
  if (!SkipBlankLines()) return Outcome::kEnd;
  record_line_ = line_;
  while (true) {
    if (data_[pos_] == '"') {
      if (!ReadQuoted()) {
        if (pos_ < data_.size()) SkipRestOfLine();
        return Outcome::kError;
      }
    } else {
      ReadPlain();
    }
    if (pos_ < data_.size() && data_[pos_] == delimiter_) {
      ++pos_;
      if (pos_ == data_.size()) spans_.push_back(Span{false, pos_, 0});
      if (pos_ < data_.size()) continue;
    }
    if (pos_ < data_.size() && data_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    break;
  }
  fields.reserve(spans_.size());
  for (const Span& s : spans_) {
    fields.emplace_back(s.in_scratch ? std::string_view(scratch_).substr(s.begin, s.size)
                                     : data_.substr(s.begin, s.size));
  }
  return Outcome::kRecord;
}

}  // namespace sky::catalog
