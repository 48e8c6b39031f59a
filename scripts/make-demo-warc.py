#!/usr/bin/env python3
"""Writes demo/corpus/web/crawl.warc.gz from the pages in demo/web-src/.

The demo WARC is what a crawler would have written while fetching those
pages: a warcinfo record, then for each page a request and a response record
(HTTP/1.1, the body gzip-encoded and chunked, as servers send it), one image
response, a 301 redirect and a revisit record; one gzip member per record.
Deterministic: the same sources give the same bytes.

Usage: scripts/make-demo-warc.py   (from the repository root)
"""
import gzip
import os

SRC = "demo/web-src"
OUT = "demo/corpus/web/crawl.warc.gz"
PAGES = [
    ("https://midi-cevennes.example/gard/2024/05/16/aides-sinistres.html", "aides-sinistres.html",
     "2024-05-16T06:02:11Z"),
    ("https://harbour-gazette.example/europe/2024/05/17/marseille-dockers-vote?utm_source=twitter",
     "marseille-dockers-vote.html", "2024-05-17T15:20:40Z"),
]

counter = 0


def record(rtype, uri, date, block, content_type, extra=()):
    global counter
    counter += 1
    head = [
        "WARC/1.1",
        "WARC-Type: " + rtype,
        "WARC-Record-ID: <urn:uuid:7e1a0000-0000-4000-8000-%012d>" % counter,
        "WARC-Date: " + date,
    ]
    if uri:
        head.append("WARC-Target-URI: " + uri)
    head += list(extra)
    head += ["Content-Type: " + content_type, "Content-Length: %d" % len(block)]
    data = ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"
    return gzip.compress(data, mtime=0)


def chunked(body, size=700):
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def main():
    members = [record("warcinfo", None, "2024-05-17T15:20:00Z",
                      b"software: make-demo-warc.py\r\nformat: WARC File Format 1.1\r\n"
                      b"description: demo crawl written for the Veille project\r\n",
                      "application/warc-fields")]
    for uri, name, date in PAGES:
        with open(os.path.join(SRC, name), "rb") as f:
            html = f.read()
        host = uri.split("/")[2]
        path = "/" + uri.split("/", 3)[3]
        req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: veille-demo\r\n"
               "Accept-Encoding: gzip\r\n\r\n" % (path, host)).encode()
        members.append(record("request", uri, date, req, "application/http; msgtype=request"))
        body = chunked(gzip.compress(html, mtime=0))
        resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        members.append(record("response", uri, date, resp, "application/http; msgtype=response"))
    png = b"\x89PNG\r\n\x1a\n" + bytes(24)
    members.append(record("response", "https://midi-cevennes.example/img/logo.png",
                          "2024-05-17T15:20:41Z",
                          b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n" + png,
                          "application/http; msgtype=response"))
    members.append(record("response", "https://midi-cevennes.example/gard/",
                          "2024-05-17T15:20:42Z",
                          b"HTTP/1.1 301 Moved Permanently\r\n"
                          b"Location: https://midi-cevennes.example/gard/index.html\r\n\r\n",
                          "application/http; msgtype=response"))
    members.append(record("revisit", PAGES[0][0], "2024-05-17T15:20:43Z",
                          b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n",
                          "application/http; msgtype=response",
                          ["WARC-Profile: http://netpreserve.org/warc/1.1/revisit/"
                           "identical-payload-digest",
                           "WARC-Refers-To-Target-URI: " + PAGES[0][0]]))
    with open(OUT, "wb") as f:
        f.write(b"".join(members))
    print("wrote %s: %d records" % (OUT, len(members)))


if __name__ == "__main__":
    main()
