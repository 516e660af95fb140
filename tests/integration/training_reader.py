#!/usr/bin/python3
"""Reads a table materialized in the training layout, independently of binlake's code.

Usage: training_reader.py csv|recordio-protobuf MODULE_DIR FILE...

recordio-protobuf: each FILE is parsed as RecordIO per its specification (magic 0xced7230a,
a length word whose top 3 bits are the continuation flag, data padded to 4 bytes; parts of a
split record joined with the magic word between them), each record as SageMaker's protobuf
Record with the module that Debian's protoc compiled into MODULE_DIR (sagemaker_record_pb2).
csv: each FILE is read with Python's csv module (no header).

Prints one line per example, in file order: the label, then the features, separated by
spaces (recordio-protobuf: Python's repr of each float32 value; csv: the fields as JSON
strings). Exits 1 with a message when a file is not whole (a frame cut short, a bad magic
word, trailing bytes).
"""
import csv
import io
import json
import struct
import sys

MAGIC = 0xCED7230A


def records(data, name):
    at = 0
    pending = None  # the parts of a split record so far
    while at < len(data):
        if at + 8 > len(data):
            sys.exit(f"{name}: a frame header cut short at byte {at}")
        magic, word = struct.unpack_from("<II", data, at)
        if magic != MAGIC:
            sys.exit(f"{name}: no magic word at byte {at}")
        cflag, length = word >> 29, word & ((1 << 29) - 1)
        start = at + 8
        if start + length > len(data):
            sys.exit(f"{name}: a record cut short at byte {at}")
        part = data[start:start + length]
        at = start + (length + 3) // 4 * 4
        if cflag == 0:
            if pending is not None:
                sys.exit(f"{name}: a split record never ended")
            yield part
        elif cflag == 1:
            pending = [part]
        elif cflag in (2, 3):
            if pending is None:
                sys.exit(f"{name}: a continuation without a start")
            pending.append(part)
            if cflag == 3:
                yield struct.pack("<I", MAGIC).join(pending)
                pending = None
        else:
            sys.exit(f"{name}: continuation flag {cflag}")
    if at != len(data):
        sys.exit(f"{name}: padding past the end")


def main():
    kind, module_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    out = []
    if kind == "recordio-protobuf":
        sys.path.insert(0, module_dir)
        import sagemaker_record_pb2  # noqa: E402

        for name in files:
            with open(name, "rb") as f:
                data = f.read()
            for raw in records(data, name):
                r = sagemaker_record_pb2.Record()
                r.ParseFromString(raw)
                label = list(r.label["values"].float32_tensor.values)
                features = list(r.features["values"].float32_tensor.values)
                if len(label) != 1:
                    sys.exit(f"{name}: a record with {len(label)} label values")
                out.append(" ".join(repr(v) for v in label + features))
    else:
        for name in files:
            with open(name, newline="") as f:
                text = f.read()
            if text and not text.endswith("\n"):
                sys.exit(f"{name}: the last example is cut short")
            for row in csv.reader(io.StringIO(text)):
                out.append(" ".join(json.dumps(v) for v in row))
    sys.stdout.write("".join(line + "\n" for line in out))


main()
