"""libtorrent 2.0 (Debian's python3-libtorrent) as an independent BitTorrent v2 implementation for tests.

Run with /usr/bin/python3 (another python3 on PATH may lack the module). Prints one JSON object.

  create FILE PIECE_SIZE
      libtorrent's own v2-only torrent of FILE: {"root", "layer" (hex or null), "infoHash" (v2), "error"}
  download TORRENT SAVE_DIR TIMEOUT_SECONDS
      loads TORRENT, downloads it from its web seeds (url-list) into SAVE_DIR, and reports
      {"root", "finished", "seeding", "numPieces", "havePieces", "hashFailures", "errors", "seconds"}.
      The session listens on 127.0.0.1 only, with DHT, LSD, UPnP and NAT-PMP off: it never leaves
      the machine, and it gives up after TIMEOUT_SECONDS.
"""
import json
import os
import sys
import time

import libtorrent as lt


def create(path, piece_size):
    fs = lt.file_storage()
    lt.add_files(fs, path)
    if fs.num_files() == 0:
        return {"root": None, "layer": None, "error": "libtorrent adds no file"}
    try:
        ct = lt.create_torrent(fs, piece_size, flags=lt.create_torrent.v2_only)
        lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
        entry = ct.generate()
        info = lt.torrent_info(entry)
    except Exception as error:  # libtorrent refuses, e.g. a torrent of one empty file
        return {"root": None, "layer": None, "error": str(error)}
    root = info.files().root(0)
    root_bytes = bytes.fromhex(str(root))
    layers = entry.get(b"piece layers", {})
    layer = layers.get(root_bytes)
    return {
        "root": str(root),
        "layer": layer.hex() if layer is not None else None,
        "infoHash": str(info.info_hashes().v2),
        "error": None,
    }


def download(torrent_path, save_dir, timeout):
    settings = {
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    }
    session = lt.session(settings)
    info = lt.torrent_info(torrent_path)
    params = lt.add_torrent_params()
    params.ti = info
    params.save_path = save_dir
    handle = session.add_torrent(params)
    errors = []
    hash_failures = 0
    started = time.monotonic()
    status = handle.status()
    while time.monotonic() - started < timeout:
        for alert in session.pop_alerts():
            if isinstance(alert, lt.hash_failed_alert):
                hash_failures += 1
            elif alert.category() & lt.alert.category_t.error_notification:
                errors.append(alert.message())
        status = handle.status()
        if status.is_seeding or status.is_finished:
            break
        session.wait_for_alert(200)
    pieces = status.pieces
    result = {
        "root": str(info.files().root(0)),
        "finished": bool(status.is_finished),
        "seeding": bool(status.is_seeding),
        "numPieces": info.num_pieces(),
        "havePieces": sum(1 for have in pieces if have),
        "hashFailures": hash_failures,
        "errors": errors[:20],
        "seconds": round(time.monotonic() - started, 3),
    }
    session.remove_torrent(handle)
    return result


def main(argv):
    if len(argv) == 3 and argv[0] == "create":
        print(json.dumps(create(argv[1], int(argv[2]))))
    elif len(argv) == 4 and argv[0] == "download":
        print(json.dumps(download(argv[1], argv[2], float(argv[3]))))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
