"""Derive the district boundaries and the BW adjacency the sample and the map use.

Input: BKG's VG5000 (Verwaltungsgebiete 1:5 000 000, Ebenen, Stand 01.01.2021), layer
`VG5000_KRS` in Gauss-Krüger zone 3 (EPSG:31467), as distributed by BKG in
`vg5000_01-01.gk3.shape.ebenen.zip`. That unmodified download is kept in the GitHub repository
Praesklepios/geoGermany (commit 7af434f, path
`geogermany/bkgdata/vg5000_01-01.gk3.shape.ebenen/vg5000_ebenen_0101/`), with BKG's licence
text and source note. Licence: Datenlizenz Deutschland – Namensnennung – Version 2.0
(dl-de/by-2-0, https://www.govdata.de/dl-de/by-2-0); source note
"© GeoBasis-DE / BKG 2021 (Daten verändert)".

Output, next to this script:

- `districts-bw-neighbours.json`: the districts of BW (08), HE (06), RP (07) and BY (09) keyed
  by their AGS, which must equal the 2018 frame's (`../frame/districts-2018.csv`; checked:
  same 202 codes and district types), coordinates transformed to WGS84 degrees and rounded to
  1e-4 (about 10 m), plus source, licence and vintage.
- `borders-bw.csv`: for every district of the frame, whether it lies outside BW and shares a
  boundary segment with a BW district (`borders_bw`) and the length of that shared boundary.

Adjacency rule: a district outside BW borders BW when it shares a boundary segment with a
BW district, not just a point. BKG generalises VG5000 topologically consistently, so
neighbouring districts share their boundary vertices and the shared boundary can be measured
directly: in the source's metric plane (Gauss-Krüger, km) it is the length of the district's
boundary within EPS_KM (10 m, floating-point noise only) of a BW district's boundary, and a
segment counts when it is at least MIN_SHARED_KM (1 km) long; a touching point measures at
most 2 * EPS_KM. (The earlier, independently simplified source needed 1 km and 5 km.) The
script also prints the lengths exactly (tolerance 0) and at 0.2 and 1 km, so the effect of
the parameters can be seen.

    pip install shapely==2.2.0 pyshp==3.0.1 pyproj==3.7.2
    git show <commit>:<path>/VG5000_KRS.{shp,shx,dbf} > DIR/VG5000_KRS.{shp,shx,dbf}
    python3 make_boundaries.py DIR/VG5000_KRS
"""

import csv
import json
import sys
from pathlib import Path

import pyproj
import shapefile
import shapely
from shapely.geometry import shape

HERE = Path(__file__).resolve().parent
FRAME = HERE.parent / "frame" / "districts-2018.csv"
EPS_KM = 0.01
MIN_SHARED_KM = 1.0
STATE_OF_PREFIX = {"08": "BW", "09": "BY", "06": "HE", "07": "RP"}
URBAN_TYPES = ("Kreisfreie Stadt", "Stadtkreis")


def frame_rows():
    with open(FRAME, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            state = STATE_OF_PREFIX.get(row["AGS"][:2])
            if state:
                yield row["AGS"], row["name"], state, row["type"]


def shared_lengths(km, bw, others, eps):
    """Length (km) of each district's boundary within `eps` km of a BW district's boundary."""
    bw_edge = shapely.union_all([km[a].boundary for a in bw])
    if eps > 0:
        bw_edge = bw_edge.buffer(eps)
    return {a: km[a].boundary.intersection(bw_edge).length for a in others}


def main(src):
    reader = shapefile.Reader(src, encoding="utf-8")
    source = {}
    for sr in reader.iterShapeRecords():
        rec = sr.record
        if rec["AGS"][:2] in STATE_OF_PREFIX:
            assert rec["AGS"] not in source, rec["AGS"]
            source[rec["AGS"]] = (rec, shape(sr.shape.__geo_interface__))

    frame = list(frame_rows())
    frame_ids = {ags for ags, _, _, _ in frame}
    if set(source) != frame_ids:
        sys.exit(f"codes differ from the frame: source only {sorted(set(source) - frame_ids)}, "
                 f"frame only {sorted(frame_ids - set(source))}")
    for ags, name, _, typ in frame:
        if source[ags][0]["BEZ"] != typ:
            sys.exit(f"{ags} {name}: type {typ} in the frame, {source[ags][0]['BEZ']} in source")
    latest = max(source.values(), key=lambda v: v[0]["WSK"])[0]
    print(f"all {len(frame)} frame districts in the source with the frame's code and type; "
          f"latest legal effect (WSK) {latest['WSK']} ({latest['AGS']} {latest['GEN']})")

    km = {ags: shapely.transform(g, lambda c: c / 1000.0) for ags, (_, g) in source.items()}
    bw = [a for a, _, s, _ in frame if s == "BW"]
    others = [a for a, _, s, _ in frame if s != "BW"]
    shared = shared_lengths(km, bw, others, EPS_KM)
    borders = {a for a, l in shared.items() if l >= MIN_SHARED_KM}
    real = sorted(l for a, l in shared.items() if a in borders)
    near = sorted(l for a, l in shared.items() if a not in borders and l > 0)
    print(f"bordering BW: {len(borders)}; shortest shared boundary {real[0]:.1f} km; "
          f"non-bordering with some boundary within {EPS_KM} km: {[round(x, 2) for x in near]}")
    names = {a: n for a, n, _, _ in frame}
    for eps in (0.0, 0.2, 1.0):
        other = shared_lengths(km, bw, others, eps)
        touching = {a: round(l, 2) for a, l in other.items() if l > 0}
        print(f"  at {eps} km: {len([l for l in other.values() if l >= MIN_SHARED_KM])} at "
              f"least {MIN_SHARED_KM} km, shortest "
              f"{min(other[a] for a in borders):.2f} km; below: "
              f"{ {names[a]: l for a, l in touching.items() if l < MIN_SHARED_KM} }")

    with open(HERE / "borders-bw.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["district_id", "name", "state", "borders_bw", "shared_boundary_km"])
        for ags, name, state, _ in frame:
            km_len = shared.get(ags)
            w.writerow([ags, name, state, "true" if ags in borders else "false",
                        "" if km_len is None else f"{km_len:.1f}"])

    # Gauss-Krüger zone 3 on DHDN to WGS84 longitude/latitude (pyproj's default DHDN shift;
    # metres of error, far below the 1e-4 degree rounding).
    to_wgs84 = pyproj.Transformer.from_crs("EPSG:31467", "EPSG:4326", always_xy=True)

    def rings(geom):
        polys = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
        out = []
        for p in polys:
            rs = [p.exterior] + list(p.interiors)
            out.append([[[round(x, 4), round(y, 4)]
                         for x, y in zip(*to_wgs84.transform(*r.xy))] for r in rs])
        return out

    doc = {
        "source": "© GeoBasis-DE / BKG 2021 (Daten verändert): VG5000 Verwaltungsgebiete "
                  "1:5 000 000, layer VG5000_KRS, as kept unmodified in github.com/"
                  "Praesklepios/geoGermany (commit 7af434f); transformed to WGS84, rounded",
        "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0, "
                   "https://www.govdata.de/dl-de/by-2-0)",
        "vintage": "Stand 01.01.2021; the 202 districts of BW, BY, HE and RP have the 2018 "
                   "frame's codes and types",
        "simplification": "generalised by BKG for 1:5 000 000; coordinates rounded to 1e-4",
        "districts": [
            {"id": ags, "name": name, "state": state, "polygons": rings(source[ags][1])}
            for ags, name, state, _ in frame
        ],
    }
    (HERE / "districts-bw-neighbours.json").write_text(
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    points = sum(len(r) for d in doc["districts"] for p in d["polygons"] for r in p)
    print(f"wrote {len(doc['districts'])} districts, {points} points")


if __name__ == "__main__":
    main(sys.argv[1])
