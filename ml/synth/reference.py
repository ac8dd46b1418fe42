"""Reference data of the synthetic workforce: agencies, competencies and the training catalog.

Agencies, regions and programmes are modelled on real Indonesian ones (names of providers such as
LAN, BKN, LKPP and universities are real; JP and costs are plausible figures, not official tariffs).
"""

from __future__ import annotations

from dataclasses import dataclass

from ml.contract.codes import PositionType as PT

MANAGERIAL = {
    "M1": "Integritas",
    "M2": "Kerjasama",
    "M3": "Komunikasi",
    "M4": "Orientasi pada Hasil",
    "M5": "Pelayanan Publik",
    "M6": "Pengembangan Diri dan Orang Lain",
    "M7": "Mengelola Perubahan",
    "M8": "Pengambilan Keputusan",
}
SOCIO_CULTURAL = {"SK1": "Perekat Bangsa"}
TECHNICAL = {
    "T-KEU": "Pengelolaan Keuangan Negara/Daerah",
    "T-PBJ": "Pengadaan Barang/Jasa Pemerintah",
    "T-TIK": "Teknologi Informasi dan Komunikasi",
    "T-KES": "Pelayanan Kesehatan",
    "T-PEND": "Pendidikan dan Pembelajaran",
    "T-HUK": "Hukum dan Perundang-undangan",
    "T-MSDM": "Manajemen Sumber Daya Manusia Aparatur",
}
GENERAL_CODES = (*MANAGERIAL, *SOCIO_CULTURAL)
ALL_CODES = (*GENERAL_CODES, *TECHNICAL)


@dataclass(frozen=True)
class Agency:
    agency_id: str
    weight: float  # share of the workforce
    regions: dict[str, float]  # region → share of the agency's units
    technical: dict[str, float]  # technical specialisation → share of units
    head: PT
    peer_review: bool  # collects 360° input from peers and subordinates
    service_share: float  # share of units facing the public (beyond health and education)
    fungsional_share: float  # share of staff in functional positions (teachers, nurses, …)
    pppk_share: float  # share of staff on PPPK contracts


AGENCIES: tuple[Agency, ...] = (
    Agency("BKN", 0.06, {"JAKARTA": 0.55, "YOGYAKARTA": 0.15, "MAKASSAR": 0.15, "MEDAN": 0.15},
           {"T-MSDM": 0.6, "T-TIK": 0.25, "T-HUK": 0.15}, PT.JPT_UTAMA, True, 0.25, 0.35, 0.03),
    Agency("KEMENKEU", 0.22,
           {"JAKARTA": 0.4, "SURABAYA": 0.2, "MEDAN": 0.15, "MAKASSAR": 0.15, "BANDUNG": 0.1},
           {"T-KEU": 0.6, "T-PBJ": 0.15, "T-TIK": 0.15, "T-HUK": 0.1}, PT.JPT_MADYA, True, 0.3,
           0.3, 0.02),
    Agency("KEMENKES", 0.14, {"JAKARTA": 0.4, "BANDUNG": 0.2, "SURABAYA": 0.2, "KUPANG": 0.2},
           {"T-KES": 0.65, "T-KEU": 0.15, "T-PBJ": 0.1, "T-TIK": 0.1}, PT.JPT_MADYA, False, 0.3,
           0.6, 0.1),
    Agency("PEMKAB-KEPAHIANG", 0.10, {"KEPAHIANG": 1.0},
           {"T-PEND": 0.4, "T-KES": 0.25, "T-KEU": 0.15, "T-PBJ": 0.1, "T-HUK": 0.1},
           PT.JPT_PRATAMA, False, 0.35, 0.65, 0.3),
    Agency("PEMKAB-BATANGHARI", 0.11, {"BATANGHARI": 1.0},
           {"T-PEND": 0.4, "T-KES": 0.25, "T-KEU": 0.15, "T-PBJ": 0.1, "T-HUK": 0.1},
           PT.JPT_PRATAMA, False, 0.35, 0.65, 0.3),
    Agency("PEMKOT-KUPANG", 0.12, {"KUPANG": 1.0},
           {"T-PEND": 0.35, "T-KES": 0.25, "T-KEU": 0.15, "T-PBJ": 0.1, "T-TIK": 0.15},
           PT.JPT_PRATAMA, True, 0.4, 0.6, 0.25),
    Agency("PEMPROV-JABAR", 0.17, {"BANDUNG": 0.6, "BOGOR": 0.2, "CIREBON": 0.2},
           {"T-PEND": 0.35, "T-KES": 0.2, "T-KEU": 0.2, "T-PBJ": 0.1, "T-TIK": 0.15},
           PT.JPT_MADYA, False, 0.35, 0.55, 0.2),
    Agency("PEMKOT-MAKASSAR", 0.08, {"MAKASSAR": 1.0},
           {"T-PEND": 0.35, "T-KES": 0.25, "T-KEU": 0.15, "T-PBJ": 0.1, "T-HUK": 0.15},
           PT.JPT_PRATAMA, False, 0.4, 0.6, 0.25),
)  # fmt: skip

# Specialisations whose units always serve the public directly (schools, puskesmas, hospitals).
SERVICE_SPECIALISATIONS = frozenset({"T-KES", "T-PEND"})


@dataclass(frozen=True)
class Program:
    program_id: str
    title: str
    provider: str
    provider_type: str
    codes: tuple[str, ...]
    max_level: int
    jp: int
    cost_idr: int
    mode: str
    audience: frozenset[PT] | None = None  # None: open to every position type
    effect: tuple[float, float] = (0.25, 0.5)  # range of the true gain per completion, in levels


_ALL_STAFF = frozenset({PT.PELAKSANA, PT.FUNGSIONAL})

CATALOG: tuple[Program, ...] = (
    Program("LAN-LATSAR", "Pelatihan Dasar CPNS (Latsar)", "Lembaga Administrasi Negara", "LAN",
            ("M1", "M2", "SK1"), 2, 238, 7_500_000, "BLENDED", _ALL_STAFF, (0.3, 0.5)),
    Program("LAN-PKP", "Pelatihan Kepemimpinan Pengawas", "Lembaga Administrasi Negara", "LAN",
            ("M2", "M3", "M4", "M6"), 3, 230, 25_000_000, "BLENDED",
            frozenset({PT.PENGAWAS, PT.PELAKSANA}), (0.35, 0.6)),
    Program("LAN-PKA", "Pelatihan Kepemimpinan Administrator", "Lembaga Administrasi Negara",
            "LAN", ("M4", "M6", "M7", "M8"), 4, 250, 38_000_000, "BLENDED",
            frozenset({PT.ADMINISTRATOR, PT.PENGAWAS}), (0.4, 0.7)),
    Program("LAN-PKN2", "Pelatihan Kepemimpinan Nasional Tingkat II", "Lembaga Administrasi Negara",
            "LAN", ("M7", "M8", "SK1"), 5, 310, 65_000_000, "KLASIKAL",
            frozenset({PT.JPT_PRATAMA, PT.ADMINISTRATOR}), (0.4, 0.7)),
    Program("LAN-PKN1", "Pelatihan Kepemimpinan Nasional Tingkat I", "Lembaga Administrasi Negara",
            "LAN", ("M5", "M7", "M8"), 5, 350, 90_000_000, "KLASIKAL",
            frozenset({PT.JPT_MADYA, PT.JPT_UTAMA, PT.JPT_PRATAMA}), (0.4, 0.7)),
    Program("LAN-PELPUB", "Pelayanan Publik Prima", "Lembaga Administrasi Negara", "LAN",
            ("M5",), 3, 40, 3_500_000, "KLASIKAL"),
    Program("LAN-INOVASI", "Laboratorium Inovasi Pemerintahan", "Lembaga Administrasi Negara",
            "LAN", ("M7",), 3, 48, 5_000_000, "BLENDED"),
    Program("LAN-KEBIJAKAN", "Analisis Kebijakan Publik", "Lembaga Administrasi Negara", "LAN",
            ("M8",), 4, 60, 6_000_000, "KLASIKAL"),
    Program("LAN-CORPU-KEPUTUSAN", "E-learning ASN Corpu: Pengambilan Keputusan",
            "Lembaga Administrasi Negara", "LAN", ("M4", "M8"), 2, 12, 0, "E_LEARNING",
            effect=(0.05, 0.15)),
    Program("BKN-MSDM-DASAR", "Manajemen ASN Tingkat Dasar", "Badan Kepegawaian Negara", "BKN",
            ("T-MSDM",), 2, 40, 3_000_000, "KLASIKAL"),
    Program("BKN-TALENTA", "Manajemen Talenta ASN", "Badan Kepegawaian Negara", "BKN",
            ("T-MSDM",), 4, 56, 6_500_000, "BLENDED"),
    Program("BKN-ASESOR", "Asesor SDM Aparatur", "Badan Kepegawaian Negara", "BKN",
            ("T-MSDM", "M6"), 4, 80, 9_000_000, "KLASIKAL", effect=(0.35, 0.6)),
    Program("BKN-SIASN", "E-learning Sistem Informasi ASN (SIASN)", "Badan Kepegawaian Negara",
            "BKN", ("T-MSDM", "T-TIK"), 2, 16, 0, "E_LEARNING", effect=(0.05, 0.2)),
    Program("BKN-BERAKHLAK", "E-learning Nilai Dasar BerAKHLAK", "Badan Kepegawaian Negara", "BKN",
            ("M1", "SK1"), 3, 12, 0, "E_LEARNING", effect=(0.05, 0.15)),
    Program("BKN-KINERJA", "Pengelolaan Kinerja dan SKP", "Badan Kepegawaian Negara", "BKN",
            ("M4",), 3, 24, 1_500_000, "BLENDED"),
    Program("BKN-LAYANAN", "Pelayanan Kepegawaian", "Badan Kepegawaian Negara", "BKN",
            ("T-MSDM", "M5"), 3, 24, 2_000_000, "KLASIKAL"),
    Program("UI-KEUDA", "Pengelolaan Keuangan Daerah", "Universitas Indonesia", "UNIVERSITAS",
            ("T-KEU",), 4, 64, 12_000_000, "KLASIKAL", effect=(0.35, 0.6)),
    Program("UGM-KEBPUB", "Manajemen Kebijakan Publik", "Universitas Gadjah Mada", "UNIVERSITAS",
            ("M7", "M8"), 4, 72, 14_000_000, "KLASIKAL", effect=(0.35, 0.6)),
    Program("UNAIR-YANKES", "Manajemen Pelayanan Kesehatan", "Universitas Airlangga",
            "UNIVERSITAS", ("T-KES", "M5"), 4, 60, 11_000_000, "KLASIKAL", effect=(0.35, 0.6)),
    Program("UNPAD-KURIKULUM", "Pengembangan Kurikulum Merdeka", "Universitas Padjadjaran",
            "UNIVERSITAS", ("T-PEND",), 4, 48, 8_000_000, "BLENDED"),
    Program("ITB-DATA", "Analitika Data untuk Pemerintahan", "Institut Teknologi Bandung",
            "UNIVERSITAS", ("T-TIK",), 4, 60, 13_000_000, "KLASIKAL", effect=(0.35, 0.6)),
    Program("UNHAS-LEGDRAF", "Legal Drafting", "Universitas Hasanuddin", "UNIVERSITAS",
            ("T-HUK",), 4, 56, 10_000_000, "KLASIKAL"),
    Program("UNDANA-DIFERENSIASI", "Pembelajaran Berdiferensiasi", "Universitas Nusa Cendana",
            "UNIVERSITAS", ("T-PEND", "M6"), 3, 40, 5_000_000, "KLASIKAL"),
    Program("UNJA-AKUNTANSI", "Akuntansi Pemerintahan", "Universitas Jambi", "UNIVERSITAS",
            ("T-KEU",), 3, 40, 6_000_000, "KLASIKAL"),
    Program("UNIB-KOMPUB", "Komunikasi Publik", "Universitas Bengkulu", "UNIVERSITAS",
            ("M3", "M5"), 3, 32, 4_000_000, "KLASIKAL"),
    Program("LKPP-PBJ-DASAR", "Pengadaan Barang/Jasa Pemerintah Tingkat Dasar",
            "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah", "LAINNYA", ("T-PBJ",), 2, 32,
            3_500_000, "BLENDED"),
    Program("LKPP-PBJ-LANJUT", "Pengadaan Barang/Jasa Pemerintah Tingkat Lanjut",
            "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah", "LAINNYA", ("T-PBJ",), 4, 48,
            6_000_000, "KLASIKAL", effect=(0.3, 0.55)),
    Program("BPPK-APBN", "Pengelolaan APBN", "BPPK Kementerian Keuangan", "INTERNAL", ("T-KEU",),
            3, 40, 3_000_000, "KLASIKAL"),
    Program("BPPK-AUDIT", "Audit Internal Pemerintah", "BPPK Kementerian Keuangan", "INTERNAL",
            ("T-KEU", "M1"), 4, 56, 5_000_000, "KLASIKAL"),
    Program("BAPELKES-KLINIS", "Pelatihan Klinis Tenaga Kesehatan",
            "Bapelkes Kementerian Kesehatan",
            "INTERNAL", ("T-KES",), 3, 40, 4_500_000, "KLASIKAL"),
    Program("KEMENKES-PLATARAN", "E-learning Plataran Sehat", "Kementerian Kesehatan", "INTERNAL",
            ("T-KES",), 2, 20, 0, "E_LEARNING", effect=(0.05, 0.2)),
    Program("BGP-GURU-PENGGERAK", "Pendidikan Guru Penggerak", "Balai Guru Penggerak", "INTERNAL",
            ("T-PEND", "M6", "M7"), 4, 150, 9_000_000, "BLENDED", frozenset({PT.FUNGSIONAL}),
            (0.35, 0.65)),
    Program("PMM-MENGAJAR", "E-learning Platform Merdeka Mengajar", "Kemendikbudristek", "LAINNYA",
            ("T-PEND",), 2, 16, 0, "E_LEARNING", effect=(0.05, 0.2)),
    Program("KOMDIGI-DTS", "Digital Talent Scholarship: Government Transformation Academy",
            "Kementerian Komunikasi dan Digital", "LAINNYA", ("T-TIK",), 3, 40, 0, "E_LEARNING",
            effect=(0.1, 0.3)),
    Program("BSSN-SIBER", "Keamanan Siber untuk ASN", "Badan Siber dan Sandi Negara", "LAINNYA",
            ("T-TIK",), 3, 24, 2_000_000, "BLENDED"),
    Program("KPK-ACLC", "Penguatan Integritas dan Antikorupsi", "Komisi Pemberantasan Korupsi",
            "LAINNYA", ("M1",), 3, 24, 1_000_000, "BLENDED"),
    Program("LEMHANNAS-WASBANG", "Pemantapan Wawasan Kebangsaan", "Lemhannas RI", "LAINNYA",
            ("SK1",), 4, 32, 4_000_000, "KLASIKAL"),
    Program("INT-MENTORING", "Coaching dan Mentoring", "Unit Pengembangan Kompetensi Instansi",
            "INTERNAL", ("M6", "M2"), 3, 20, 500_000, "KLASIKAL", effect=(0.15, 0.35)),
    Program("INT-KOMUNIKASI", "Komunikasi Efektif di Tempat Kerja",
            "Unit Pengembangan Kompetensi Instansi", "INTERNAL", ("M3", "M2"), 2, 16, 750_000,
            "KLASIKAL", effect=(0.15, 0.35)),
    Program("INT-PRODUK-HUKUM", "Penyusunan Produk Hukum Daerah", "Biro Hukum Instansi", "INTERNAL",
            ("T-HUK",), 3, 24, 1_500_000, "KLASIKAL"),
    Program("INT-PERUBAHAN", "Manajemen Perubahan dan Reformasi Birokrasi",
            "Unit Pengembangan Kompetensi Instansi", "INTERNAL", ("M7",), 3, 20, 1_000_000,
            "KLASIKAL", effect=(0.15, 0.35)),
)  # fmt: skip
