"""Names for the synthetic workforce: people (with their titles), units and positions.

Drawn from a random stream of their own, after everything else: the same seed gives the same
people, levels and biases whether or not names are generated, and the names themselves are the
same for a seed. Given names and family names follow the region (Javanese, Sundanese, Malay,
Batak, Bugis-Makassar, Timorese); titles follow education and specialisation as a civil
servant's records write them (``Dr. Budi Santoso, S.E., M.Si.``).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ml.contract.codes import PositionType as PT
from ml.synth.org import Organisation
from ml.synth.reference import AGENCIES

# Culture of each region: which name lists its people draw from.
_REGION_CULTURE = {
    "JAKARTA": "JAWA", "YOGYAKARTA": "JAWA", "SURABAYA": "JAWA", "BANDUNG": "SUNDA",
    "BOGOR": "SUNDA", "CIREBON": "SUNDA", "MEDAN": "BATAK", "MAKASSAR": "BUGIS",
    "KUPANG": "TIMOR", "KEPAHIANG": "MELAYU", "BATANGHARI": "MELAYU",
}  # fmt: skip
# Big cities mix: this share of their people draws from the national (Javanese) lists.
_MIXED = 0.35

_GIVEN = {
    ("JAWA", "L"): "Budi Agus Eko Bambang Joko Wahyu Dwi Hadi Slamet Sugeng Arif Teguh Rudi "
    "Yudi Heru Bayu Dimas Adi Prasetyo Gunawan Rahmat Andi Fajar Anton Hendra Nugroho Setyo",
    ("JAWA", "P"): "Sri Dewi Endang Siti Rina Wulan Ratna Yuni Lestari Dian Ayu Retno Tri Nur "
    "Fitri Putri Indah Wahyuni Kartika Sekar Anisa Nanik Eni Suci Widya Ratih",
    ("SUNDA", "L"): "Asep Dede Ujang Cecep Dadang Yayan Ade Iwan Deden Ayi Engkus Ridwan Ilham "
    "Rizki Gilang Irfan",
    ("SUNDA", "P"): "Euis Neng Iis Lilis Imas Yanti Nining Tuti Rina Dewi Siti Rini Nurul Resti",
    ("MELAYU", "L"): "Muhammad Ahmad Syaiful Rahmat Zulkifli Fauzan Hasan Ridho Azhar Hendri "
    "Irwan Yusuf Abdul Syahrial Zainal Edi",
    ("MELAYU", "P"): "Nurul Fitri Siti Rahma Aisyah Yulia Desi Eka Rosmawati Zuraidah Nurhayati "
    "Fatimah Mardiana Herlina",
    ("BATAK", "L"): "Poltak Togar Parlindungan Hotman Binsar Martua Sahat Robert Jhonson Daniel "
    "Benny Roy",
    ("BATAK", "P"): "Romauli Tiurma Rosdiana Lamria Sondang Debora Maria Rotua Nurmala Elisabeth",
    ("BUGIS", "L"): "Andi Muhammad Syamsul Rusdi Baharuddin Ilham Arifuddin Nasrullah Akbar "
    "Irfan Syahrir Haris",
    ("BUGIS", "P"): "Andi Nurhaedah Sitti Hasnawati Rosmini Jumriani Nurlina Hasriani "
    "Asriani Musdalifah",
    ("TIMOR", "L"): "Yohanes Fransiskus Yosef Petrus Agustinus Markus Yeremias Obed Simon "
    "Daniel Yakobus Frederik",
    ("TIMOR", "P"): "Maria Yuliana Agustina Margaretha Yohana Fransiska Elisabeth Martha "
    "Theresia Regina Debora",
}
_FAMILY = {
    "JAWA": "Santoso Wibowo Susanto Setiawan Purnomo Hartono Kurniawan Pratama Saputra "
    "Wijaya Utomo Sulistyo Haryanto Suryadi Hidayat Prabowo Kusuma Nugraha",
    "SUNDA": "Permana Hidayat Sutisna Suryana Mulyana Kurnia Supriatna Gumilar Sudrajat Setiadi",
    "MELAYU": "Hasibuan Syahputra Ramadhan Effendi Saputra Rahman Yusuf Hamzah Fadli Ananda",
    "BATAK": "Siregar Nasution Simanjuntak Lubis Hutapea Sitorus Simatupang Panjaitan "
    "Situmorang Manurung Sinaga Pardede Tambunan",
    "BUGIS": "Rahman Hamid Mappanyompa Latif Baso Mustari Amir Rasyid Mallarangeng Ramli Tahir",
    "TIMOR": "Ndun Lay Fanggidae Bessie Manafe Tallo Benu Nope Amalo Messakh Pello Dethan",
}

# Second names that only women carry (a man is not "Bambang Wulandari").
_FAMILY_WOMEN = {
    "JAWA": "Lestari Rahayu Handayani Wulandari Puspitasari Anggraini Kusumawati",
    "SUNDA": "Rahmawati Komalasari Nurjanah",
    "MELAYU": "Susanti Amelia Rahmadani",
}

# Degrees by education and specialisation (Permendikbud 154/2014): (first, master's).
_DEGREE = {
    "T-KEU": (("S.E.", "S.Ak."), ("M.Ak.", "M.M.", "M.E.")),
    "T-PBJ": (("S.T.", "S.E."), ("M.T.", "M.M.")),
    "T-TIK": (("S.Kom.", "S.T."), ("M.Kom.", "M.T.")),
    "T-KES": (("S.Kep.", "S.K.M.", "S.Farm."), ("M.Kes.", "M.K.M.")),
    "T-PEND": (("S.Pd.",), ("M.Pd.",)),
    "T-HUK": (("S.H.",), ("M.H.", "M.Kn.")),
    "T-MSDM": (("S.Psi.", "S.Sos.", "S.AP."), ("M.Si.", "M.AP.", "M.Psi.")),
}
_DIPLOMA = {"T-KES": "A.Md.Kep.", "T-TIK": "A.Md.Kom.", "T-KEU": "A.Md.Ak."}
_APPLIED = {"T-KES": "S.Tr.Kes.", "T-TIK": "S.Tr.Kom.", "T-KEU": "S.Tr.Ak."}


def person_names(org: Organisation, rng: np.random.Generator, end_year: int) -> pd.DataFrame:
    """``name``, ``front_title`` and ``back_title`` for each employee of ``org``, in order."""
    regions = org.region.astype(str)
    culture = np.array([_REGION_CULTURE.get(r, "JAWA") for r in regions], dtype=object)
    city = np.isin(regions, ["JAKARTA", "SURABAYA", "MEDAN", "MAKASSAR", "BANDUNG"])
    culture = np.where(city & (rng.random(org.n) < _MIXED), "JAWA", culture)
    words = rng.choice([1, 2, 2, 3], size=org.n)
    picks = rng.random((org.n, 4))
    haji = rng.random(org.n)
    degree = rng.random((org.n, 3))
    age = end_year - np.asarray(org.birth_year)
    names, fronts, backs = [], [], []
    for i in range(org.n):
        c, g = str(culture[i]), str(org.gender[i])
        given, family = _GIVEN[(c, g)].split(), _FAMILY[c].split()
        if g == "P":
            family = family + _FAMILY_WOMEN.get(c, "").split()
        parts = [given[int(picks[i, 0] * len(given))]]
        if words[i] == 3:
            other = [w for w in given if w != parts[0]]
            parts.append(other[int(picks[i, 1] * len(other))])
        if words[i] >= 2 or c in ("BATAK", "TIMOR"):  # marga and fam names are always written
            parts.append(family[int(picks[i, 2] * len(family))])
        front, back = _titles(
            str(org.education[i]), str(org.spec[i]), str(org.position_type[i]), g, c,
            older=bool(age[i] >= 45) and haji[i] < 0.2, draws=degree[i],
        )  # fmt: skip
        names.append(" ".join(parts))
        fronts.append(front)
        backs.append(back)
    return pd.DataFrame({"name": names, "front_title": fronts, "back_title": backs})


def _titles(
    education: str, spec: str, ptype: str, gender: str, culture: str, older: bool,
    draws: np.ndarray,
) -> tuple[str | None, str | None]:  # fmt: skip
    first, master = _DEGREE.get(spec, (("S.Sos.",), ("M.Si.",)))
    front: list[str] = []
    back: str | None = None
    if education in ("S1", "S2", "S3"):
        doctor = spec == "T-KES" and ptype == PT.FUNGSIONAL and draws[0] < 0.3
        if doctor:
            front.append("dr.")
        else:
            back = first[int(draws[1] * len(first))]
        if education in ("S2", "S3"):
            m = master[int(draws[2] * len(master))]
            back = f"{back}, {m}" if back else m
        if education == "S3":
            front.insert(0, "Dr.")
    elif education == "D4":
        back = _APPLIED.get(spec, "S.ST.")
    elif education == "D3":
        back = _DIPLOMA.get(spec, "A.Md.")
    if older and culture not in ("TIMOR", "BATAK"):  # returned from the hajj
        front.insert(0, "Hj." if gender == "P" else "H.")
    return (" ".join(front) or None, back)


# ---- units ----------------------------------------------------------------------------------

AGENCY_NAMES = {
    "BKN": "Badan Kepegawaian Negara",
    "KEMENKEU": "Kementerian Keuangan",
    "KEMENKES": "Kementerian Kesehatan",
    "PEMKAB-KEPAHIANG": "Pemerintah Kabupaten Kepahiang",
    "PEMKAB-BATANGHARI": "Pemerintah Kabupaten Batang Hari",
    "PEMKOT-KUPANG": "Pemerintah Kota Kupang",
    "PEMPROV-JABAR": "Pemerintah Provinsi Jawa Barat",
    "PEMKOT-MAKASSAR": "Pemerintah Kota Makassar",
}
_REGION_NAMES = {"BATANGHARI": "Batang Hari"}
# Kecamatan (districts) where a region's health centres (puskesmas) stand.
_DISTRICTS = {
    "Kepahiang": "Kepahiang|Kabawetan|Tebat Karai|Ujan Mas|Bermani Ilir|Merigi|Seberang Musi",
    "Batang Hari": "Muara Bulian|Pemayung|Mersam|Bajubang|Muara Tembesi|Maro Sebo Ulu",
    "Kupang": "Alak Maulafa Oebobo Sikumana Oesapa Bakunase Naioni",
    "Makassar": "Tamalate|Rappocini|Panakkukang|Biringkanaya|Tamalanrea|Mariso|Kassi-Kassi",
    "Bandung": "Cicendo Coblong Sukajadi Antapani Arcamanik Ujungberung Kopo",
    "Bogor": "Cibinong Ciawi Cisarua Citeureup Cileungsi",
    "Cirebon": "Kesambi Harjamukti Lemahwungkuk Kejaksan Pekalipan",
}
# Fields of work per specialisation: a division (bidang) or a section (seksi) is named by one.
_FIELDS = {
    "T-MSDM": ("Pengembangan Kompetensi", "Mutasi dan Promosi", "Pengadaan dan Informasi "
               "Kepegawaian", "Penilaian Kinerja", "Kesejahteraan Pegawai"),
    "T-KEU": ("Anggaran", "Perbendaharaan", "Akuntansi dan Pelaporan", "Pengelolaan Aset",
              "Pendapatan"),
    "T-PBJ": ("Pengadaan Barang/Jasa", "Pengelolaan Kontrak", "Layanan Pengadaan Secara "
              "Elektronik"),
    "T-TIK": ("Aplikasi Informatika", "Infrastruktur Teknologi Informasi", "Data dan Statistik",
              "Persandian"),
    "T-KES": ("Pelayanan Kesehatan", "Kesehatan Masyarakat", "Pencegahan dan Pengendalian "
              "Penyakit", "Sumber Daya Kesehatan"),
    "T-PEND": ("Pembinaan Sekolah Dasar", "Pembinaan Sekolah Menengah", "Pendidik dan Tenaga "
               "Kependidikan", "Kurikulum"),
    "T-HUK": ("Peraturan Perundang-undangan", "Bantuan Hukum", "Dokumentasi dan Informasi "
              "Hukum"),
}  # fmt: skip
_LOCAL_OFFICES = {
    "T-KEU": "Badan Keuangan Daerah", "T-PBJ": "Bagian Pengadaan Barang/Jasa",
    "T-TIK": "Dinas Komunikasi dan Informatika", "T-KES": "Dinas Kesehatan",
    "T-PEND": "Dinas Pendidikan", "T-HUK": "Bagian Hukum",
    "T-MSDM": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
}  # fmt: skip
_CENTRAL_OFFICES = {
    "BKN": ("Deputi Bidang Pembinaan Manajemen Kepegawaian", "Deputi Bidang Mutasi Kepegawaian",
            "Deputi Bidang Sistem Informasi Kepegawaian"),
    "KEMENKEU": ("Direktorat Jenderal Perbendaharaan", "Direktorat Jenderal Anggaran",
                 "Direktorat Jenderal Kekayaan Negara", "Badan Pendidikan dan Pelatihan Keuangan"),
    "KEMENKES": ("Direktorat Jenderal Pelayanan Kesehatan", "Direktorat Jenderal Kesehatan "
                 "Masyarakat", "Direktorat Jenderal Tenaga Kesehatan"),
}  # fmt: skip
_ROMAN = ("", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X")


def units_frame(org: Organisation) -> pd.DataFrame:
    """The ``units`` table: every unit's name, the unit above it and its agency.

    Deterministic given ``org`` (no draws): schools and health centres are numbered within their
    region, sections and divisions take their field from the specialisation."""
    n_units = len(org.unit_ids)
    agency_ids = np.array([a.agency_id for a in AGENCIES])[org.unit_agency]
    region = _unit_regions(org)
    names: list[str] = []
    counters: Counter[tuple[str, str]] = Counter()
    used: set[tuple[str, str]] = set()
    children: dict[int, list[int]] = {}
    for u in range(n_units):
        children.setdefault(int(org.unit_parent[u]), []).append(u)
    for u in range(n_units):
        agency = str(agency_ids[u])
        local = agency.startswith("PEM")
        kind, spec, place = str(org.unit_kind[u]), str(org.unit_spec[u]), region[u]
        if kind == "OFFICE":
            name = (
                f"Sekretariat Daerah {AGENCY_NAMES[agency].removeprefix('Pemerintah ')}"
                if local
                else ("Sekretariat Utama" if agency == "BKN" else "Sekretariat Jenderal")
            )
        elif kind == "DINAS":
            if local:
                name = _local_office(org, children, u, agency, used)
            else:
                options = _CENTRAL_OFFICES.get(agency, ("Direktorat",))
                name = options[counters[(agency, "DINAS")] % len(options)]
                counters[(agency, "DINAS")] += 1
        elif kind == "DIVISION":
            first_spec = str(org.unit_spec[children.get(u, [u])[0]])
            name = (
                f"{'Bidang' if local else 'Subdirektorat'} {_field(first_spec, counters, agency)}"
            )
        elif org.unit_service[u] and spec == "T-PEND":
            level = "SMA" if agency == "PEMPROV-JABAR" else "SD"
            counters[(agency, level + place)] += 1
            name = f"{level} Negeri {counters[(agency, level + place)]} {place}"
        elif org.unit_service[u] and spec == "T-KES":
            counters[(agency, "PKM" + place)] += 1
            k = counters[(agency, "PKM" + place)]
            text = _DISTRICTS.get(place, place)
            districts = text.split("|") if "|" in text else text.split()
            name = (
                f"Puskesmas {districts[(k - 1) % len(districts)]}"
                if local
                else f"Balai Kesehatan {place}{_ROMAN[(k - 1) % len(_ROMAN)]}"
            )
        elif org.unit_service[u]:
            name = f"Unit Layanan {_field(spec, counters, agency)} {place}"
        else:
            name = f"Seksi {_field(spec, counters, agency)}"
        names.append(name)
    return pd.DataFrame(
        {
            "unit_id": org.unit_ids,
            "name": _unique_within(names, agency_ids),
            "parent_unit_id": [
                None if p < 0 else str(org.unit_ids[p]) for p in org.unit_parent.tolist()
            ],
            "agency_id": agency_ids,
        }
    )


_OTHER_OFFICES = (
    "Badan Perencanaan Pembangunan Daerah", "Inspektorat Daerah", "Dinas Sosial",
    "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Perhubungan", "Dinas Lingkungan Hidup", "Dinas Pertanian",
)  # fmt: skip


def _local_office(
    org: Organisation, children: dict[int, list[int]], dinas: int, agency: str,
    used: set[tuple[str, str]],
) -> str:  # fmt: skip
    """A local government office named by the commonest field of its sections, or, where an
    office of that field exists already, another office of the regional government."""
    sections = [s for d in children.get(dinas, []) for s in children.get(d, [])]
    fields = Counter(str(org.unit_spec[s]) for s in sections)
    candidates = [_LOCAL_OFFICES[f] for f, _ in fields.most_common() if f in _LOCAL_OFFICES]
    for name in (*candidates, *_OTHER_OFFICES):
        if (agency, name) not in used:
            used.add((agency, name))
            return name
    return "Dinas"


def _field(spec: str, counters: Counter[tuple[str, str]], agency: str) -> str:
    fields = _FIELDS.get(spec, ("Umum",))
    k = counters[(agency, spec)]
    counters[(agency, spec)] += 1
    return fields[k % len(fields)]


def _unit_regions(org: Organisation) -> list[str]:
    """A unit's region is its staff's (the head office's: the agency's first region)."""
    out = [""] * len(org.unit_ids)
    for u, r in zip(org.unit.tolist(), org.region.astype(str).tolist(), strict=True):
        out[u] = out[u] or r
    for u in range(len(out)):
        if not out[u]:
            out[u] = next(iter(AGENCIES[int(org.unit_agency[u])].regions))
    return [_REGION_NAMES.get(r, r.title()) for r in out]


def _unique_within(names: list[str], agencies: np.ndarray) -> list[str]:
    """Repeated names within an agency numbered II, III, … (in unit order)."""
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for name, agency in zip(names, agencies.tolist(), strict=True):
        seen[(agency, name)] += 1
        k = seen[(agency, name)]
        out.append(name if k == 1 else f"{name} {_ROMAN[k - 1].strip() if k <= 10 else k}")
    return out


# ---- positions ------------------------------------------------------------------------------

_FUNCTIONAL = {  # (keahlian title, keterampilan title) per specialisation
    "T-MSDM": ("Analis SDM Aparatur", "Pranata SDM Aparatur"),
    "T-KEU": ("Analis Keuangan Pusat dan Daerah", "Pranata Keuangan APBN"),
    "T-PBJ": ("Pengelola Pengadaan Barang/Jasa", "Pengelola Pengadaan Barang/Jasa"),
    "T-TIK": ("Pranata Komputer", "Pranata Komputer"),
    "T-KES": ("Perawat", "Perawat"),
    "T-PEND": ("Guru", "Pranata Laboratorium Pendidikan"),
    "T-HUK": ("Analis Hukum", "Penyuluh Hukum"),
}
_JENJANG = {
    "PEMULA": "Pemula", "TERAMPIL": "Terampil", "MAHIR": "Mahir", "PENYELIA": "Penyelia",
    "AHLI_PERTAMA": "Ahli Pertama", "AHLI_MUDA": "Ahli Muda", "AHLI_MADYA": "Ahli Madya",
    "AHLI_UTAMA": "Ahli Utama",
}  # fmt: skip
_STAFF = {
    "T-MSDM": "Pengadministrasi Kepegawaian", "T-KEU": "Pengelola Keuangan",
    "T-PBJ": "Pengadministrasi Pengadaan", "T-TIK": "Pengelola Data dan Informasi",
    "T-KES": "Pengadministrasi Layanan Kesehatan", "T-PEND": "Pengadministrasi Sekolah",
    "T-HUK": "Pengolah Data Hukum",
}  # fmt: skip
_AREA = {
    "T-MSDM": "Pengembangan Sumber Daya Manusia", "T-KEU": "Keuangan",
    "T-PBJ": "Pengadaan Barang/Jasa", "T-TIK": "Teknologi Informasi", "T-KES": "Kesehatan",
    "T-PEND": "Pendidikan", "T-HUK": "Hukum",
}  # fmt: skip


def positions_frame(org: Organisation) -> pd.DataFrame:
    """The ``positions`` table: each position's name (``Analis SDM Aparatur Ahli Muda``), its
    type and functional level. Deterministic given ``org``."""
    agency_ids = np.array([a.agency_id for a in AGENCIES])[org.agency]
    frame = pd.DataFrame(
        {
            "position_id": org.position_id,
            "position_type": org.position_type,
            "jenjang": org.jenjang,
            "spec": org.spec,
            "agency_id": agency_ids,
        }
    ).drop_duplicates("position_id")
    frame = frame.sort_values("position_id", kind="stable").reset_index(drop=True)
    frame["name"] = [
        _position_name(str(r.position_type), str(r.jenjang), str(r.spec), str(r.agency_id))
        for r in frame.itertuples(index=False)
    ]
    frame["jenjang"] = frame["jenjang"].where(frame["jenjang"] != "")
    return frame[["position_id", "name", "position_type", "jenjang"]]


def _position_name(ptype: str, jenjang: str, spec: str, agency: str) -> str:
    local = agency.startswith("PEM")
    area = _AREA.get(spec, "Umum")
    if ptype == PT.FUNGSIONAL:
        ahli, terampil = _FUNCTIONAL.get(spec, ("Analis Kebijakan", "Pranata Administrasi"))
        title = ahli if jenjang.startswith("AHLI") else terampil
        return f"{title} {_JENJANG.get(jenjang, '')}".strip()
    if ptype == PT.PELAKSANA:
        return _STAFF.get(spec, "Pengadministrasi Umum")
    if ptype == PT.PENGAWAS:
        return f"Kepala Seksi {area}"
    if ptype == PT.ADMINISTRATOR:
        return f"Kepala {'Bidang' if local else 'Subdirektorat'} {area}"
    if ptype == PT.JPT_PRATAMA:
        return f"Kepala Dinas {area}" if local else f"Direktur {area}"
    if ptype == PT.JPT_MADYA:
        return "Sekretaris Daerah" if local else f"Direktur Jenderal {area}"
    return f"Kepala {AGENCY_NAMES.get(agency, agency)}"
