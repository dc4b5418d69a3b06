"""The admin's onboarding files for X-Mart (the seed's "Information needed to create an OAuth
client"): cities and sectors (CSV), coverage zones (CSV, KML or KMZ), and the "List of zones and
stores" handed to X-Mart. Pure functions on bytes; formats in ``const.py``.

Every unreadable file or row raises ``PayloadError`` naming the line or placemark and what is
wrong. XML is parsed without entities, DTDs or network; a KMZ's KML is read up to
``KMZ_MAX_KML_BYTES`` uncompressed.
"""

import csv
import io
import math
import re
import unicodedata
import zipfile
import zlib

from lxml import etree

from ..base import PayloadError, Problem, _
from . import const
from .records import Place, Zone

_PLACE_COLUMNS = {"city": const.CITIES_CSV_COLUMNS, "sector": const.SECTORS_CSV_COLUMNS}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def slug(name):
    """A zone code from its name: ASCII lower case, words joined by ``-`` (``Zona Norte`` ->
    ``zona-norte``)."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _where_line(file, line):
    return Problem(_("%(file)s, line %(line)s"), {"file": file, "line": line})


def _number(text):
    """A finite float from ``text`` (decimal point, or one decimal comma), or ``None``."""
    text = (text or "").strip()
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _coordinate(text, field, where):
    """A latitude (``field`` ``latitude``) or longitude read from ``text``, within its range."""
    value = _number(text)
    if value is None:
        raise PayloadError(_("%(where)s: %(field)s %(value)s is not a number."), where=where, field=field,
                           value=repr(text))
    limit = 90 if field == "latitude" else 180
    if not -limit <= value <= limit:
        raise PayloadError(_("%(where)s: %(field)s %(value)s is not between -%(limit)s and %(limit)s."),
                           where=where, field=field, value=text, limit=limit)
    return value


# -- CSV ------------------------------------------------------------------------------------------


def _csv_rows(content, columns, file):
    """``(line, {column: text})`` for every non-blank row under the header.

    :raise PayloadError: not UTF-8, empty, or a header without one of ``columns``
    """
    if isinstance(content, str):
        text = content.lstrip("\ufeff")
    else:
        try:
            text = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = bytes(content)[:error.start].count(b"\n") + 1
            raise PayloadError(_("%(where)s: the text is not UTF-8; save the file as \"CSV UTF-8\"."),
                               where=_where_line(file, line)) from None
    header_line = next((line for line in text.splitlines() if line.strip()), None)
    if header_line is None:
        raise PayloadError(_("%(file)s is empty."), file=file)
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    positions = None
    rows = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if positions is None:
                names = [cell.strip().lower() for cell in row]
                missing = [column for column in columns if column not in names]
                if missing:
                    raise PayloadError(
                        _("%(where)s: the header row must name the columns %(columns)s; %(missing)s is missing."),
                        where=_where_line(file, reader.line_num), columns=delimiter.join(columns),
                        missing=", ".join(missing))
                positions = {column: names.index(column) for column in columns}
                continue
            rows.append((reader.line_num, {column: row[index].strip() if index < len(row) else ""
                                           for column, index in positions.items()}))
    except csv.Error as error:
        raise PayloadError(_("%(where)s: the CSV is not readable (%(error)s)."),
                           where=_where_line(file, reader.line_num), error=str(error)) from None
    if not rows:
        raise PayloadError(_("%(file)s has no rows under its header."), file=file)
    return rows


def parse_places(content, kind):
    """Read the cities or the sectors file (``const.CITIES_CSV_COLUMNS`` / ``SECTORS_CSV_COLUMNS``).

    :param bytes content: the CSV file
    :param str kind: ``city`` or ``sector`` (a sector names its city)
    :raise PayloadError: on a bad file or row (empty name or city, bad number, out of range,
        the same place twice)
    :rtype: list[records.Place]
    """
    if kind not in _PLACE_COLUMNS:
        raise ValueError(f"kind must be 'city' or 'sector', got {kind!r}")
    file = Problem(_("cities file")) if kind == "city" else Problem(_("sectors file"))
    places, seen = [], {}
    for line, values in _csv_rows(content, _PLACE_COLUMNS[kind], file):
        where = _where_line(file, line)
        name, city = values["name"], values.get("city", "")
        if not name:
            raise PayloadError(_("%(where)s: the name is empty."), where=where)
        if kind == "sector" and not city:
            raise PayloadError(_("%(where)s: sector %(name)s has no city."), where=where, name=name)
        key = (name.casefold(), city.casefold())
        if key in seen:
            raise PayloadError(_("%(where)s: %(name)s is already on line %(first)s."), where=where,
                               name=f"{name} ({city})" if city else name, first=seen[key])
        seen[key] = line
        places.append(Place(name=name, latitude=_coordinate(values["latitude"], "latitude", where),
                            longitude=_coordinate(values["longitude"], "longitude", where), city=city))
    return places


# -- zones ----------------------------------------------------------------------------------------


def _ring(text, where):
    """A closed ring of ``(longitude, latitude)`` from KML-style ``lon,lat[,alt] lon,lat ...``."""
    points = []
    for token in (text or "").split():
        parts = token.split(",")
        if len(parts) not in (2, 3):
            raise PayloadError(_("%(where)s: the point %(point)s is not longitude,latitude."), where=where,
                               point=repr(token))
        points.append((_coordinate(parts[0], "longitude", where), _coordinate(parts[1], "latitude", where)))
    distinct = len(set(points))
    if distinct < 3:
        raise PayloadError(_("%(where)s: a polygon needs at least 3 different points; it has %(count)s."),
                           where=where, count=distinct)
    if points[0] != points[-1]:
        points.append(points[0])
    return points


class _Zones:
    """Zones by code, in file order; parts sharing a code (same name and city) are one zone."""

    def __init__(self):
        self.zones, self.first = {}, {}

    def add(self, name, code, city, ring, where):
        code = code or slug(name)
        if not code:
            raise PayloadError(_("%(where)s: zone %(name)s has no code, and none can be made from its name."),
                               where=where, name=repr(name))
        zone = self.zones.get(code)
        if zone is None:
            self.zones[code], self.first[code] = Zone(name=name, code=code, city=city, polygons=[ring]), where
        elif zone.name.casefold() != name.casefold() or zone.city.casefold() != city.casefold():
            raise PayloadError(_("%(where)s: code %(zone_code)s is already zone %(name)s (%(city)s) at %(first)s."),
                               where=where, zone_code=code, name=zone.name, city=zone.city or "-",
                               first=self.first[code])
        else:
            zone.polygons.append(ring)

    def result(self, file):
        if not self.zones:
            raise PayloadError(_("%(file)s holds no zone."), file=file)
        return list(self.zones.values())


def _zones_csv(content, file):
    zones = _Zones()
    for line, values in _csv_rows(content, const.ZONES_CSV_COLUMNS, file):
        where = _where_line(file, line)
        if not values["name"]:
            raise PayloadError(_("%(where)s: the name is empty."), where=where)
        if not values["polygon"]:
            raise PayloadError(_("%(where)s: zone %(name)s has no polygon."), where=where, name=values["name"])
        zones.add(values["name"], values["code"], values["city"], _ring(values["polygon"], where), where)
    return zones.result(file)


def _extended_value(placemark, key):
    """``ExtendedData`` ``Data name=key`` (or ``SchemaData`` ``SimpleData name=key``), any case."""
    for data in placemark.iterfind("{*}ExtendedData/{*}Data"):
        if (data.get("name") or "").strip().lower() == key:
            return (data.findtext("{*}value") or "").strip()
    for data in placemark.iterfind("{*}ExtendedData/{*}SchemaData/{*}SimpleData"):
        if (data.get("name") or "").strip().lower() == key:
            return (data.text or "").strip()
    return ""


def _zones_kml(content, file):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(bytes(content), parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise PayloadError(_("%(file)s is not a KML file: its XML is not readable (%(error)s)."),
                           file=file, error=str(error)) from None
    if root is None or etree.QName(root).localname != "kml":
        raise PayloadError(_("%(file)s is not a KML file: its root element is %(root)s, not kml."), file=file,
                           root="-" if root is None else etree.QName(root).localname)
    zones = _Zones()
    for number, placemark in enumerate(root.iter("{*}Placemark"), start=1):
        polygons = list(placemark.iter("{*}Polygon"))
        if not polygons:
            continue  # points and lines are no zones
        name = (placemark.findtext("{*}name") or "").strip()
        if not name:
            raise PayloadError(_("%(file)s, placemark %(number)s (line %(line)s) has no name."), file=file,
                               number=number, line=placemark.sourceline)
        where = Problem(_("%(file)s, placemark %(name)s (line %(line)s)"),
                        {"file": file, "name": repr(name), "line": placemark.sourceline})
        code = _extended_value(placemark, const.ZONE_CODE_FIELD)
        city = _extended_value(placemark, const.ZONE_CITY_FIELD)
        for polygon in polygons:
            coordinates = polygon.find("{*}outerBoundaryIs/{*}LinearRing/{*}coordinates")
            if coordinates is None:
                raise PayloadError(_("%(where)s: a Polygon has no outer boundary coordinates."), where=where)
            zones.add(name, code, city, _ring(coordinates.text, where), where)
    return zones.result(file)


def _kml_of_kmz(content, file):
    """The KML file inside a KMZ: ``doc.kml``, else the first ``.kml`` (macOS resource forks skipped)."""
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
            entries = [info for info in archive.infolist()
                       if not info.is_dir() and info.filename.lower().endswith(".kml")
                       and not info.filename.startswith("__MACOSX/")
                       and not info.filename.rsplit("/", 1)[-1].startswith("._")]
            entry = next((info for info in entries if info.filename.lower() == "doc.kml"),
                         entries[0] if entries else None)
            if entry is None:
                raise PayloadError(_("%(file)s holds no .kml file."), file=file)
            too_large = PayloadError(_("%(file)s: %(name)s is larger than %(size)s MB uncompressed; it was not read."),
                                     file=file, name=entry.filename, size=const.KMZ_MAX_KML_BYTES // (1024 * 1024))
            if entry.file_size > const.KMZ_MAX_KML_BYTES:
                raise too_large
            with archive.open(entry) as stream:
                data = stream.read(const.KMZ_MAX_KML_BYTES + 1)  # the declared size may lie
            if len(data) > const.KMZ_MAX_KML_BYTES:
                raise too_large
            return entry.filename, data
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as error:
        raise PayloadError(_("%(file)s is not a readable KMZ (zip) file (%(error)s)."), file=file,
                           error=str(error) or type(error).__name__) from None


def parse_zones(filename, content):
    """Read a coverage zones file: ``.csv``, ``.kml`` or ``.kmz`` (by the extension of ``filename``).

    Zones are returned in file order; rows or placemarks sharing a code (same name and city) give one
    zone with several polygons. Polygons are outer boundaries, closed.

    :raise PayloadError: on an unknown extension or a bad file, row or placemark
    :rtype: list[records.Zone]
    """
    file = _text(filename) or "?"
    extension = "." + file.rsplit(".", 1)[-1].lower() if "." in file else ""
    if extension == ".csv":
        return _zones_csv(content, file)
    if extension == ".kml":
        return _zones_kml(content, file)
    if extension == ".kmz":
        name, kml = _kml_of_kmz(content, file)
        return _zones_kml(kml, f"{file} ({name})")
    raise PayloadError(_("%(file)s: zones are read from %(types)s files only."), file=file,
                       types=", ".join(const.ZONE_FILE_TYPES))


def zones_stores_csv(rows):
    """The "List of zones and stores" to hand to X-Mart: UTF-8 CSV, header
    ``store_code,store_name,zone,city``, one row per ``(store_code, store_name, zone, city)``.

    :rtype: bytes
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(const.ZONES_STORES_CSV_COLUMNS)
    for row in rows:
        row = tuple(row)
        if len(row) != len(const.ZONES_STORES_CSV_COLUMNS):
            raise ValueError(f"each row must be (store_code, store_name, zone, city), got {row!r}")
        writer.writerow([_text(value) for value in row])
    return buffer.getvalue().encode("utf-8")


# -- geometry -------------------------------------------------------------------------------------


def _in_ring(lon, lat, ring):
    inside = False
    previous = ring[-1]
    for point in ring:
        (x1, y1), (x2, y2) = previous, point
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
        previous = point
    return inside


def point_in_zone(lon, lat, polygons):
    """Whether the point (``lon``, ``lat``) lies inside one of ``polygons`` (ray casting, even-odd
    rule; a point exactly on an edge may go either way).

    :param list[list[tuple[float, float]]] polygons: rings of ``(longitude, latitude)``, as ``Zone.polygons``
    :rtype: bool
    """
    return any(len(ring) >= 3 and _in_ring(float(lon), float(lat), ring) for ring in polygons)


def zone_at(lon, lat, zones):
    """The first of ``zones`` that holds the point (``lon``, ``lat``), or ``None``.

    :param list[records.Zone] zones:
    """
    return next((zone for zone in zones if point_in_zone(lon, lat, zone.polygons)), None)
