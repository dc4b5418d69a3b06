"""Colombian geography shared by the marketplaces that sell in Colombia.

DANE (Departamento Administrativo Nacional de Estadística) codes: 2 digits of department,
3 of municipality, and in the 8-digit form 3 more of populated centre (``000`` = the
municipal seat). Departments map to the subdivision codes of Odoo's ``res.country.state``
records for Colombia; municipalities cover the department capitals and the largest cities,
the rest fall back to the city name written in the address.
"""

#: DANE department code -> Odoo ``res.country.state`` code for Colombia
DEPARTMENTS = {
    "05": "ANT", "08": "ATL", "11": "DC", "13": "BOL", "15": "BOY", "17": "CAL", "18": "CAQ",
    "19": "CAU", "20": "CES", "23": "COR", "25": "CUN", "27": "CHO", "41": "HUI", "44": "LAG",
    "47": "MAG", "50": "MET", "52": "NAR", "54": "NSA", "63": "QUI", "66": "RIS", "68": "SAN",
    "70": "SUC", "73": "TOL", "76": "VAC", "81": "ARA", "85": "CAS", "86": "PUT", "88": "SAP",
    "91": "AMA", "94": "GUA", "95": "GUV", "97": "VAU", "99": "VID",
}

#: DANE municipality code (5 digits) -> official name
MUNICIPALITIES = {
    "05001": "Medellín", "05045": "Apartadó", "05088": "Bello", "05266": "Envigado",
    "05360": "Itagüí", "05380": "La Estrella", "05615": "Rionegro", "05631": "Sabaneta",
    "05837": "Turbo", "08001": "Barranquilla", "08433": "Malambo", "08758": "Soledad",
    "11001": "Bogotá, D.C.", "13001": "Cartagena de Indias", "13430": "Magangué",
    "15001": "Tunja", "15238": "Duitama", "15759": "Sogamoso", "17001": "Manizales",
    "17380": "La Dorada", "18001": "Florencia", "19001": "Popayán",
    "19698": "Santander de Quilichao", "20001": "Valledupar", "20011": "Aguachica",
    "23001": "Montería", "23417": "Lorica", "25175": "Chía", "25269": "Facatativá",
    "25286": "Funza", "25290": "Fusagasugá", "25430": "Madrid", "25473": "Mosquera",
    "25754": "Soacha", "25899": "Zipaquirá", "27001": "Quibdó", "41001": "Neiva",
    "41551": "Pitalito", "44001": "Riohacha", "44430": "Maicao", "47001": "Santa Marta",
    "47189": "Ciénaga", "50001": "Villavicencio", "50006": "Acacías", "52001": "Pasto",
    "52356": "Ipiales", "52835": "San Andrés de Tumaco", "54001": "Cúcuta",
    "54874": "Villa del Rosario", "63001": "Armenia", "66001": "Pereira",
    "66170": "Dosquebradas", "68001": "Bucaramanga", "68081": "Barrancabermeja",
    "68276": "Floridablanca", "68307": "Girón", "68547": "Piedecuesta", "70001": "Sincelejo",
    "73001": "Ibagué", "73268": "Espinal", "76001": "Cali", "76109": "Buenaventura",
    "76111": "Guadalajara de Buga", "76147": "Cartago", "76364": "Jamundí",
    "76520": "Palmira", "76834": "Tuluá", "76892": "Yumbo", "81001": "Arauca",
    "85001": "Yopal", "86001": "Mocoa", "88001": "San Andrés", "91001": "Leticia",
    "94001": "Inírida", "95001": "San José del Guaviare", "97001": "Mitú",
    "99001": "Puerto Carreño",
}


def dane_place(code):
    """City name and Odoo state code for a DANE code (5 or 8 digits).

    :return: ``(city, state_code)``; either is ``""`` when unknown
    """
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (5, 8):
        return "", ""
    return MUNICIPALITIES.get(code[:5], ""), DEPARTMENTS.get(code[:2], "")
