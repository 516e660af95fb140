#!/usr/bin/env python3
"""`binlake pipe` read by a Python consumer, as a training program reads SageMaker Pipe mode FIFOs.

Usage: pipe_test.py BINLAKE [--s3 RADOSGW_ENV_FILE]

Checks (each wait bounded by a deadline; every binlake started is killed if a check fails):
  - 2 hosts, ShardedByS3Key, 2 epochs, a shuffle seed, RecordIO: every object exactly once per
    epoch per host, the two shards partition the channel, orders differ between epochs and repeat
    for the same seed; the RecordIO framing is parsed here from the format's description (magic,
    cflag in the top 3 bits of the length word, 4-byte padding, split records joined by the magic);
  - FullyReplicated, no shuffle, no wrapper: the bytes of `cat` of the sorted objects;
  - an augmented manifest (a -ref attribute and an inline one) with RecordIO; a ManifestFile;
  - --epochs 0: epochs until SIGTERM (exit 130), no FIFO left;
  - Gzip objects, gunzipped;
  - SageMaker's own inputdataconfig.json + resourceconfig.json;
  - a reader stopping early in epoch 0 still gets all of epoch 1;
  - errors: a reader that never opens (--open-timeout), an empty channel, an empty shard;
  - with --s3: a channel served from radosgw (objects uploaded with boto3).
"""
import contextlib
import gzip
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

MAGIC = 0xCED7230A
BINLAKE = sys.argv[1]
PROCS = []
SPLIT_RECORDS = [0]  # records parse_recordio saw split into parts


class Deadline(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds):
    def fire(signum, frame):
        raise Deadline(f"deadline of {seconds} s passed")
    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def start(args, env=None):
    p = subprocess.Popen([BINLAKE, "pipe", "--log-level", "warn"] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, **(env or {})))
    PROCS.append(p)
    return p


def finish(p, timeout=20):
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out.decode(), err.decode()


def read_fifo(path, limit=None, seconds=20):
    """Waits for the FIFO, opens it (blocks until binlake opens its end) and reads it to EOF."""
    with deadline(seconds):
        while not os.path.exists(path):
            time.sleep(0.002)
        fd = os.open(path, os.O_RDONLY)
        try:
            chunks, got = [], 0
            while limit is None or got < limit:
                b = os.read(fd, 1 << 20 if limit is None else min(1 << 20, limit - got))
                if not b:
                    break
                chunks.append(b)
                got += len(b)
            return b"".join(chunks)
        finally:
            os.close(fd)


def parse_recordio(data):
    """Records of a RecordIO stream, per dmlc-core's description of the format."""
    records, pos, parts = [], 0, None
    while pos < len(data):
        check(pos + 8 <= len(data), f"truncated header at {pos}")
        magic, lrec = struct.unpack_from("<II", data, pos)
        check(magic == MAGIC, f"bad magic {magic:#x} at {pos}")
        cflag, length = lrec >> 29, lrec & ((1 << 29) - 1)
        body = data[pos + 8:pos + 8 + length]
        check(len(body) == length, "truncated record")
        pos += 8 + (length + 3) // 4 * 4
        if cflag == 0:
            check(parts is None, "whole record inside a split one")
            records.append(body)
        elif cflag == 1:
            check(parts is None, "split record started twice")
            parts = [body]
        elif cflag in (2, 3):  # 2: a middle part, 3: the last
            check(parts is not None, "continuation without a start")
            parts.append(body)
            if cflag == 3:
                records.append(struct.pack("<I", MAGIC).join(parts))
                SPLIT_RECORDS[0] += 1
                parts = None
        else:
            raise AssertionError(f"cflag {cflag}")
    check(parts is None and pos == len(data), "stream ends inside a record")
    return records


# docs/PIPE.md's shuffle, implemented here from its description: std::mt19937_64 (the C++
# standard's parameters), seeded with SplitMix64(seed ^ SplitMix64(epoch)); Fisher-Yates with the
# rejection-then-modulo draw.
M64 = (1 << 64) - 1

class MT19937_64:
    N, M = 312, 156
    def __init__(self, seed):
        self.mt = [0] * self.N
        self.mt[0] = seed & M64
        for i in range(1, self.N):
            p = self.mt[i - 1]
            self.mt[i] = (6364136223846793005 * (p ^ (p >> 62)) + i) & M64
        self.i = self.N
    def __call__(self):
        if self.i >= self.N:
            mt, lower = self.mt, (1 << 31) - 1
            for k in range(self.N):
                x = (mt[k] & ~lower & M64) | (mt[(k + 1) % self.N] & lower)
                xa = x >> 1
                if x & 1:
                    xa ^= 0xB5026F5AA96619E9
                mt[k] = mt[(k + self.M) % self.N] ^ xa
            self.i = 0
        y = self.mt[self.i]; self.i += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & M64

def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)

def shuffled_order(n, seed, epoch):
    eng = MT19937_64(splitmix64((seed & M64) ^ splitmix64(epoch)))
    order = list(range(n))
    for i in range(n, 1, -1):
        rng = i
        threshold = (1 << 64) % rng
        while True:
            r = eng()
            if r >= threshold:
                break
        j = r % rng
        order[i - 1], order[j] = order[j], order[i - 1]
    return order



def make_objects(root, n, rng):
    objects = {}
    os.makedirs(root)
    for i in range(n):
        size = rng.choice([0, 1, 3, 4, 5, 1000, 70000, 300000])
        body = f"object-{i:03d}:".encode() + rng.randbytes(size)
        if i == 3:  # the magic word at 4-byte-aligned offsets: a split RecordIO record
            body = b"abcd" + struct.pack("<I", MAGIC) + b"efgh" + struct.pack("<I", MAGIC)
        name = f"part-{i:03d}"
        with open(os.path.join(root, name), "wb") as f:
            f.write(body)
        objects[name] = body
    return objects


def test_sharded_shuffled_recordio(tmp, objects, data):
    by_body = {v: k for k, v in objects.items()}
    check(len(by_body) == len(objects), "objects must differ")

    def run_host(host, fifo_dir):
        p = start(["--channel", f"train=file://{data}", "--fifo-dir", fifo_dir, "--epochs", "2",
                   "--distribution", "ShardedByS3Key", "--host-index", str(host),
                   "--host-count", "2", "--shuffle-seed", "7", "--record-wrapper", "RecordIO"])
        epochs = []
        for e in range(2):
            recs = parse_recordio(read_fifo(f"{fifo_dir}/train_{e}"))
            names = [by_body.get(r, "<unknown>") for r in recs]
            check("<unknown>" not in names, f"host {host} epoch {e}: a record is no object")
            check(len(set(names)) == len(names), f"host {host} epoch {e}: an object twice")
            epochs.append(names)
        code, _, err = finish(p)
        check(code == 0, f"host {host}: exit {code}: {err}")
        return epochs

    h0 = run_host(0, f"{tmp}/h0")
    h1 = run_host(1, f"{tmp}/h1")
    for e in range(2):
        check(not set(h0[e]) & set(h1[e]), f"epoch {e}: shards overlap")
        check(set(h0[e]) | set(h1[e]) == set(objects), f"epoch {e}: shards miss objects")
    check(h0[0] != h0[1] or h1[0] != h1[1], "epochs were not reshuffled")
    keys = sorted(objects)
    for e in range(2):  # exactly the documented order and sharding rule
        order = [keys[i] for i in shuffled_order(len(keys), 7, e)]
        check(h0[e] == order[0::2] and h1[e] == order[1::2],
              f"epoch {e}: not the documented shuffle + position % host_count")
    check(SPLIT_RECORDS[0] >= 2, "the object holding the magic word was not split (cflag 1-3)")
    again = run_host(0, f"{tmp}/h0b")
    check(again == h0, "the same seed gave another order")
    print("ok: sharded + shuffled + RecordIO (2 hosts x 2 epochs), seed repeats")


def test_plain_cat(tmp, objects, data):
    p = start(["--channel", f"train=file://{data}", "--fifo-dir", f"{tmp}/plain"])
    got = read_fifo(f"{tmp}/plain/train_0")
    code, out, err = finish(p)
    check(code == 0, err)
    check(got == b"".join(objects[k] for k in sorted(objects)), "plain epoch != cat of objects")
    check("channel train: 1 epoch(s)" in out, out)
    print("ok: FullyReplicated plain bytes = cat")


def test_augmented_manifest(tmp, objects, data):
    names = sorted(objects)[:5]
    lines = [json.dumps({"source-ref": f"file://{data}/{n}", "label": i, "other": "x"})
             for i, n in enumerate(names)]
    manifest = f"{tmp}/train.manifest"
    with open(manifest, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = start(["--channel", f"train=file://{manifest}", "--fifo-dir", f"{tmp}/aug",
               "--data-type", "AugmentedManifestFile", "--attribute-names", "source-ref",
               "--attribute-names", "label", "--record-wrapper", "RecordIO"])
    recs = parse_recordio(read_fifo(f"{tmp}/aug/train_0"))
    code, _, err = finish(p)
    check(code == 0, err)
    expected = []
    for i, n in enumerate(names):
        expected += [objects[n], str(i).encode()]
    check(recs == expected, "augmented manifest records differ")
    print("ok: augmented manifest with RecordIO")


def test_manifest_file(tmp, objects, data):
    keys = sorted(objects)
    chosen = [keys[5], keys[0], keys[9], keys[2]]  # the manifest's order, not the keys'
    manifest = f"{tmp}/list.manifest"
    with open(manifest, "w") as f:
        json.dump([{"prefix": f"file://{data}/"}] + chosen, f)
    p = start(["--channel", f"train=file://{manifest}", "--fifo-dir", f"{tmp}/man",
               "--data-type", "ManifestFile"])
    got = read_fifo(f"{tmp}/man/train_0")
    code, _, err = finish(p)
    check(code == 0, err)
    check(got == b"".join(objects[k] for k in chosen), "ManifestFile bytes differ")
    print("ok: ManifestFile in the manifest's order")


def test_until_signal(tmp, objects, data):
    p = start(["--channel", f"train=file://{data}", "--fifo-dir", f"{tmp}/forever",
               "--epochs", "0"])
    whole = b"".join(objects[k] for k in sorted(objects))
    for e in range(3):
        check(read_fifo(f"{tmp}/forever/train_{e}") == whole, f"epoch {e} of --epochs 0")
    with deadline(20):  # epoch 3's FIFO is made before epoch 2 ends
        while not os.path.exists(f"{tmp}/forever/train_3"):
            time.sleep(0.002)
    p.send_signal(signal.SIGTERM)
    code, _, err = finish(p)
    check(code == 130, f"SIGTERM: exit {code}: {err}")
    check(os.listdir(f"{tmp}/forever") == [], f"FIFOs left: {os.listdir(f'{tmp}/forever')}")
    print("ok: --epochs 0 serves until SIGTERM (exit 130), FIFOs removed")


def test_gzip(tmp, objects):
    gz = f"{tmp}/gz"
    os.makedirs(gz)
    for k, v in objects.items():
        with open(f"{gz}/{k}.gz", "wb") as f:
            f.write(gzip.compress(v))
    p = start(["--channel", f"train=file://{gz}", "--fifo-dir", f"{tmp}/gzfifo",
               "--compression", "Gzip"])
    got = read_fifo(f"{tmp}/gzfifo/train_0")
    code, _, err = finish(p)
    check(code == 0, err)
    check(got == b"".join(objects[k] for k in sorted(objects)), "gunzipped bytes differ")
    # A damaged object: named in one error line, exit 1.
    with open(f"{gz}/zz-damaged.gz", "wb") as f:
        f.write(gzip.compress(b"x" * 100000)[:-20])
    p = start(["--channel", f"train=file://{gz}", "--fifo-dir", f"{tmp}/gzfifo2",
               "--compression", "Gzip"])
    read_fifo(f"{tmp}/gzfifo2/train_0")
    code, _, err = finish(p)
    check(code == 1 and "damaged gzip object" in err and "zz-damaged.gz" in err, err)
    check(err.count("\n") == 1 and err.startswith("binlake: error: "), err)
    print("ok: gzip objects gunzipped; a damaged one named")


def test_sagemaker_config_files(tmp, objects, data):
    cfg = f"{tmp}/config"
    os.makedirs(cfg)
    with open(f"{cfg}/inputdataconfig.json", "w") as f:
        json.dump({"train": {"TrainingInputMode": "Pipe", "S3DistributionType": "ShardedByS3Key",
                             "RecordWrapperType": "None", "ContentType": "application/octet-stream",
                             "S3Uri": f"file://{data}/"}}, f)
    with open(f"{cfg}/resourceconfig.json", "w") as f:
        json.dump({"current_host": "algo-2", "hosts": ["algo-1", "algo-2", "algo-3"],
                   "network_interface_name": "eth0"}, f)
    p = start(["--input-data-config", f"{cfg}/inputdataconfig.json",
               "--resource-config", f"{cfg}/resourceconfig.json", "--fifo-dir", f"{tmp}/cfg"])
    got = read_fifo(f"{tmp}/cfg/train_0")
    code, _, err = finish(p)
    check(code == 0, err)
    keys = sorted(objects)
    check(got == b"".join(objects[k] for i, k in enumerate(keys) if i % 3 == 1),
          "host algo-2 of 3 must get the objects at sorted positions 1, 4, 7, ...")
    print("ok: inputdataconfig.json + resourceconfig.json")


def test_early_stop(tmp, objects, data):
    p = start(["--channel", f"train=file://{data}", "--fifo-dir", f"{tmp}/early",
               "--epochs", "2"])
    part = read_fifo(f"{tmp}/early/train_0", limit=100)
    check(len(part) == 100, "short first read")
    whole = read_fifo(f"{tmp}/early/train_1")
    code, _, err = finish(p)
    check(code == 0, err)
    check(whole == b"".join(objects[k] for k in sorted(objects)), "epoch 1 after an early stop")
    check(not os.path.exists(f"{tmp}/early/train_0") and not os.path.exists(f"{tmp}/early/train_1"),
          "FIFOs left behind")
    print("ok: a reader stopping early in epoch 0 gets all of epoch 1")


def test_errors(tmp, data):
    t0 = time.monotonic()
    p = start(["--channel", f"train=file://{data}", "--fifo-dir", f"{tmp}/never",
               "--open-timeout", "1"])
    code, _, err = finish(p)
    check(code == 1 and "no reader opened the FIFO" in err and "--open-timeout" in err, err)
    check(time.monotonic() - t0 < 10, "the open timeout took too long")
    check(not os.path.exists(f"{tmp}/never/train_0"), "FIFO left after the timeout")
    os.makedirs(f"{tmp}/empty")
    p = start(["--channel", f"train=file://{tmp}/empty", "--fifo-dir", f"{tmp}/e"])
    code, _, err = finish(p)
    check(code == 1 and "no object under" in err, err)
    os.makedirs(f"{tmp}/one")
    open(f"{tmp}/one/a", "w").write("a")
    p = start(["--channel", f"train=file://{tmp}/one", "--fifo-dir", f"{tmp}/e",
               "--distribution", "ShardedByS3Key", "--host-index", "0", "--host-count", "2"])
    code, _, err = finish(p)
    check(code == 1 and "empty shard" in err and "fewer hosts" in err, err)
    print("ok: errors (open timeout, empty channel, empty shard)")


def test_s3(tmp, objects, env_file):
    env = {}
    for line in open(env_file):
        line = line.strip()
        if line.startswith("export "):
            k, _, v = line[len("export "):].partition("=")
            env[k] = v.strip("'\"")
    import boto3
    s3 = boto3.client("s3", endpoint_url=env["S3_ENDPOINT"], region_name=env["S3_REGION"],
                      aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    prefix = f"pipe-test-{os.getpid()}/train/"
    for k, v in objects.items():
        s3.put_object(Bucket=env["S3_BUCKET"], Key=prefix + k, Body=v)
    creds = {"AWS_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
             "AWS_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"]}
    p = start(["--channel", f"train=s3://{env['S3_BUCKET']}/{prefix}", "--fifo-dir",
               f"{tmp}/s3", "--endpoint-url", env["S3_ENDPOINT"], "--region", env["S3_REGION"],
               "--path-style", "--record-wrapper", "RecordIO", "--epochs", "2"], env=creds)
    for e in range(2):
        recs = parse_recordio(read_fifo(f"{tmp}/s3/train_{e}", seconds=60))
        check(recs == [objects[k] for k in sorted(objects)], f"S3 epoch {e} differs")
    code, _, err = finish(p, timeout=60)
    check(code == 0, err)
    for k in objects:
        s3.delete_object(Bucket=env["S3_BUCKET"], Key=prefix + k)
    print("ok: S3 channel from radosgw (2 epochs, RecordIO)")


def main():
    rng = random.Random(1234)
    tmp = tempfile.mkdtemp(prefix="binlake-pipe-test.")
    try:
        data = f"{tmp}/data"
        objects = make_objects(data, 21, rng)
        if len(sys.argv) > 3 and sys.argv[2] == "--s3":
            test_s3(tmp, objects, sys.argv[3])
        else:
            test_sharded_shuffled_recordio(tmp, objects, data)
            test_plain_cat(tmp, objects, data)
            test_augmented_manifest(tmp, objects, data)
            test_manifest_file(tmp, objects, data)
            test_until_signal(tmp, objects, data)
            test_gzip(tmp, objects)
            test_sagemaker_config_files(tmp, objects, data)
            test_early_stop(tmp, objects, data)
            test_errors(tmp, data)
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("pipe_test: all passed")


if __name__ == "__main__":
    main()
