"""X-Mart onboarding files (cities, sectors, zones, zones-and-stores list), without Odoo."""

import csv
import io
import pathlib
import zipfile

import pytest

from marketplaces.base import PayloadError
from marketplaces.xmart import Place, Zone, const, onboarding

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
SECTORS = (FIXTURES / "xmart_sectors.csv").read_bytes()
CITIES = (FIXTURES / "xmart_cities_semicolon.csv").read_bytes()
ZONES_CSV = (FIXTURES / "xmart_zones_semicolon.csv").read_bytes()
KML = (FIXTURES / "xmart_zones.kml").read_bytes()

NORTE = [(-78.5, -0.1), (-78.45, -0.1), (-78.45, -0.15), (-78.5, -0.15), (-78.5, -0.1)]
VALLES = [[(-78.45, -0.2), (-78.4, -0.2), (-78.4, -0.25), (-78.45, -0.2)],
          [(-78.39, -0.2), (-78.35, -0.2), (-78.35, -0.25), (-78.39, -0.25), (-78.39, -0.2)]]
SUR = [(-79.95, -2.2), (-79.9, -2.2), (-79.9, -2.25), (-79.95, -2.2)]


def kmz(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def error_of(call, *args):
    with pytest.raises(PayloadError) as caught:
        call(*args)
    return str(caught.value)


# -- cities and sectors ---------------------------------------------------------------------------


def test_sectors_csv():
    assert onboarding.parse_places(SECTORS, "sector") == [
        Place("La Carolina", -0.1807, -78.4846, "Quito"),
        Place("Cumbayá, centro", -0.2, -78.43, "Quito"),
        Place("Urdesa", -2.168, -79.905, "Guayaquil")]


def test_semicolon_cities_with_bom_decimal_comma_and_extra_column():
    assert onboarding.parse_places(CITIES, "city") == [
        Place("Quito", -0.1807, -78.4678), Place("Guayaquil", -2.1894, -79.8891), Place("Cuenca", -2.9001, -79.0059)]


def test_header_names_in_any_order_and_case():
    content = b"LONGITUDE , Name,latitude\n-78.46,Quito,-0.18\n"
    assert onboarding.parse_places(content, "city") == [Place("Quito", -0.18, -78.46)]


@pytest.mark.parametrize("content, kind, message", [
    (b"name,latitude,longitude,city\nLa Carolina,abc,-78.48,Quito\n", "sector",
     "sectors file, line 2: latitude 'abc' is not a number."),
    (b"name,latitude,longitude\nQuito,-0.18,-78.46\n\nNowhere,95,-78\n", "city",
     "cities file, line 4: latitude 95 is not between -90 and 90."),
    (b"name,latitude,longitude\nQuito,-0.18,-181\n", "city",
     "cities file, line 2: longitude -181 is not between -180 and 180."),
    (b"name,latitude,longitude\nQuito,nan,-78\n", "city", "line 2: latitude 'nan' is not a number"),
    (b"name,latitude,longitude,city\nLa Carolina,-0.18,-78.48,\n", "sector",
     "sectors file, line 2: sector La Carolina has no city."),
    (b"name,latitude,longitude\n,-0.18,-78.46\n", "city", "cities file, line 2: the name is empty."),
    (b"name,latitude,longitude\nQuito,-0.18,-78.46\nquito,-0.19,-78.47\n", "city",
     "cities file, line 3: quito is already on line 2."),
    (b"name,lat,lon\nQuito,-0.18,-78.46\n", "city",
     "cities file, line 1: the header row must name the columns name,latitude,longitude; latitude, longitude"),
    (b"name;latitude;longitude\nQuito;-0.18;-78.46\n", "sector", "city is missing"),
    (b"Quito,-0.18,-78.46\n", "city", "the header row must name the columns"),
    (b"", "city", "cities file is empty."),
    (b"\xef\xbb\xbf \n\n", "city", "cities file is empty."),
    (b"name,latitude,longitude\n", "city", "cities file has no rows under its header."),
    (b"name,latitude,longitude\nQuito,-0.18,-78.46\nBogot\xe1,4.6,-74.08\n", "city",
     "cities file, line 3: the text is not UTF-8; save the file as \"CSV UTF-8\"."),
])
def test_bad_places_files(content, kind, message):
    assert message in error_of(onboarding.parse_places, content, kind)


def test_place_kind_is_checked():
    with pytest.raises(ValueError):
        onboarding.parse_places(SECTORS, "country")


# -- zones ----------------------------------------------------------------------------------------


def test_semicolon_zones_csv_closes_rings_and_joins_parts():
    assert onboarding.parse_zones("Zonas.CSV", ZONES_CSV) == [
        Zone("Norte", "ZN-1", "Quito", [NORTE]),
        Zone("Valles", "ZN-3", "Quito", VALLES),
        Zone("Sur Guayaquil", "sur-guayaquil", "Guayaquil", [SUR])]


def test_comma_zones_csv_with_quoted_polygon():
    content = b'Name,Code,City,Polygon\r\nNorte,ZN-1,Quito,"-78.50,-0.10 -78.45,-0.10 -78.45,-0.15 -78.50,-0.15"\r\n'
    assert onboarding.parse_zones("zones.csv", content) == [Zone("Norte", "ZN-1", "Quito", [NORTE])]


@pytest.mark.parametrize("row, message", [
    ("Norte;ZN-1;Quito;-78.50,-0.10 -78.45,-0.10 -78.50,-0.10",
     "zones.csv, line 2: a polygon needs at least 3 different points; it has 2."),
    ("Norte;ZN-1;Quito;-78.50,-0.10 -78.45 -78.45,-0.15",
     "zones.csv, line 2: the point '-78.45' is not longitude,latitude."),
    ("Norte;ZN-1;Quito;-78.50,-0.10 -78.45,x -78.45,-0.15", "zones.csv, line 2: latitude 'x' is not a number."),
    ("Norte;ZN-1;Quito;-78.50,-0.10 -78.45,-95.5 -78.45,-0.15",
     "zones.csv, line 2: latitude -95.5 is not between -90 and 90."),
    ("Norte;ZN-1;Quito;", "zones.csv, line 2: zone Norte has no polygon."),
    (";ZN-1;Quito;-78.50,-0.10 -78.45,-0.10 -78.45,-0.15", "zones.csv, line 2: the name is empty."),
    ("¡¡!!;;Quito;-78.50,-0.10 -78.45,-0.10 -78.45,-0.15", "zone '¡¡!!' has no code"),
])
def test_bad_zone_rows(row, message):
    content = ("name;code;city;polygon\n" + row + "\n").encode()
    assert message in error_of(onboarding.parse_zones, "zones.csv", content)


def test_one_code_for_two_zones_is_refused():
    content = (b"name;code;city;polygon\nNorte;ZN-1;Quito;0,0 1,0 1,1\nSur;ZN-1;Quito;0,0 1,0 1,1\n")
    assert error_of(onboarding.parse_zones, "zones.csv", content) == \
        "zones.csv, line 3: code ZN-1 is already zone Norte (Quito) at zones.csv, line 2."


def test_kml_zones():
    assert onboarding.parse_zones("zonas.kml", KML) == [
        Zone("Norte", "ZN-1", "Quito", [NORTE]),  # the inner boundary (a hole) is not a zone
        Zone("Valles", "ZN-3", "Quito", VALLES),  # SchemaData and MultiGeometry
        Zone("Sur Guayaquil", "sur-guayaquil", "", [SUR])]  # no ExtendedData: code from the name


def test_kml_without_namespace_and_same_results_as_csv():
    plain = KML.replace(b' xmlns="http://www.opengis.net/kml/2.2"', b"")
    zones = onboarding.parse_zones("zones.kml", plain)
    assert [zone.code for zone in zones] == ["ZN-1", "ZN-3", "sur-guayaquil"]
    assert [zone.polygons for zone in zones] == [zone.polygons for zone in onboarding.parse_zones("z.csv", ZONES_CSV)]


def test_kmz_reads_doc_kml_first():
    decoy = KML.replace(b"<name>Norte</name>", b"<name>Decoy</name>")
    content = kmz({"__MACOSX/._doc.kml": b"\x00\x05junk", "a_first.kml": decoy, "doc.kml": KML,
                   "files/logo.png": b"\x89PNG"})
    assert [zone.name for zone in onboarding.parse_zones("zonas.kmz", content)] == ["Norte", "Valles", "Sur Guayaquil"]


def test_kmz_without_doc_kml_reads_the_first_kml():
    content = kmz({"images/logo.png": b"\x89PNG", "layers/zonas.KML": KML})
    assert onboarding.parse_zones("zonas.kmz", content) == onboarding.parse_zones("zonas.kml", KML)


def test_kmz_errors():
    assert error_of(onboarding.parse_zones, "z.kmz", kmz({"logo.png": b"\x89PNG"})) == "z.kmz holds no .kml file."
    assert "z.kmz is not a readable KMZ (zip) file" in error_of(onboarding.parse_zones, "z.kmz", KML)
    bad = kmz({"doc.kml": KML.replace(b"-78.45,-0.10,0 ", b"-78.45,-0.10,0 -78.44 ")})
    assert error_of(onboarding.parse_zones, "z.kmz", bad).startswith("z.kmz (doc.kml), placemark 'Norte' (line 7)")


def test_kmz_bomb_is_refused():
    size = const.KMZ_MAX_KML_BYTES + 1
    bomb = kmz({"doc.kml": b"<kml>" + b" " * (size - 5)})
    assert len(bomb) < 100_000
    assert error_of(onboarding.parse_zones, "z.kmz", bomb) == \
        "z.kmz: doc.kml is larger than 20 MB uncompressed; it was not read."


@pytest.mark.parametrize("content, message", [
    (b"<html><body>zones</body></html>", "zones.kml is not a KML file: its root element is html, not kml."),
    (b"<kml><Placemark>", "zones.kml is not a KML file: its XML is not readable"),
    (b"", "zones.kml is not a KML file"),
    (b"<kml><Document/></kml>", "zones.kml holds no zone."),
    (b"<kml><Placemark><name>Stores</name><Point><coordinates>0,0</coordinates></Point></Placemark></kml>",
     "zones.kml holds no zone."),
    (b"<kml>\n<Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1</coordinates>"
     b"</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
     "zones.kml, placemark 1 (line 2) has no name."),
    (b"<kml><Placemark><name>A</name><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 0,0</coordinates>"
     b"</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
     "zones.kml, placemark 'A' (line 1): a polygon needs at least 3 different points; it has 2."),
    (b"<kml><Placemark><name>A</name><Polygon><innerBoundaryIs/></Polygon></Placemark></kml>",
     "zones.kml, placemark 'A' (line 1): a Polygon has no outer boundary coordinates."),
])
def test_bad_kml(content, message):
    assert message in error_of(onboarding.parse_zones, "zones.kml", content)


def test_kml_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    content = (f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file://{secret}">]>'
               '<kml><Placemark><name>Zone &xxe;</name><Polygon><outerBoundaryIs><LinearRing>'
               '<coordinates>0,0 1,0 1,1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>')
    zones = onboarding.parse_zones("zones.kml", content.encode())
    assert "TOP-SECRET" not in repr(zones)


def test_unknown_zone_file_type():
    assert error_of(onboarding.parse_zones, "zones.geojson", b"{}") == \
        "zones.geojson: zones are read from .csv, .kml, .kmz files only."
    assert "zones are read from" in error_of(onboarding.parse_zones, "zones", b"")


# -- zones and stores list, geometry --------------------------------------------------------------


def test_zones_stores_csv():
    content = onboarding.zones_stores_csv([("UIO-NORTE", "Quito Norte", "ZN-1", "Quito"),
                                           ("UIO-NORTE", "Quito Norte", "ZN-3", "Quito"),
                                           ("GYE-01", 'Guayaquil "Mall", 1', "sur-guayaquil", "Guayaquil")])
    assert content == (b'store_code,store_name,zone,city\r\nUIO-NORTE,Quito Norte,ZN-1,Quito\r\n'
                       b'UIO-NORTE,Quito Norte,ZN-3,Quito\r\n'
                       b'GYE-01,"Guayaquil ""Mall"", 1",sur-guayaquil,Guayaquil\r\n')
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[3] == ["GYE-01", 'Guayaquil "Mall", 1', "sur-guayaquil", "Guayaquil"]
    assert onboarding.zones_stores_csv([]) == b"store_code,store_name,zone,city\r\n"
    with pytest.raises(ValueError):
        onboarding.zones_stores_csv([("UIO-NORTE", "Quito Norte", "ZN-1")])


def test_point_in_zone():
    zones = onboarding.parse_zones("zonas.kml", KML)
    norte, valles = zones[0], zones[1]
    assert onboarding.point_in_zone(-78.47, -0.12, norte.polygons)
    assert not onboarding.point_in_zone(-78.40, -0.12, norte.polygons)
    assert onboarding.point_in_zone(-78.37, -0.22, valles.polygons)  # in the second polygon
    assert onboarding.point_in_zone(-78.41, -0.21, valles.polygons)  # in the triangle
    assert not onboarding.point_in_zone(-78.44, -0.24, valles.polygons)  # beside the triangle
    assert not onboarding.point_in_zone(0, 0, [])
    open_square = [[(0, 0), (2, 0), (2, 2), (0, 2)]]  # not closed: same answer
    assert onboarding.point_in_zone(1, 1, open_square) and not onboarding.point_in_zone(3, 1, open_square)
    sector = onboarding.parse_places(SECTORS, "sector")[0]
    assert onboarding.zone_at(sector.longitude, sector.latitude, zones) is None
    assert onboarding.zone_at(-78.47, -0.12, zones) is norte


def test_slug():
    assert onboarding.slug(" Zona Norte – Cumbayá ") == "zona-norte-cumbaya"
    assert onboarding.slug("¡¡!!") == ""
