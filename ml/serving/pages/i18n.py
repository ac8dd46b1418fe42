"""The pages' words in Bahasa Indonesia (the default: the civil service works in it) and English.

``STRINGS[lang][key]`` holds each text, with ``{name}`` placeholders filled by
:meth:`Translator.__call__`. Codes the data carries (predikat, ratings, flag families, review
decisions...) are shown through :meth:`Translator.code`, which falls back to the code itself.
A test checks that both languages hold the same keys with the same placeholders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ml.features.labels import FEATURE_LABELS
from ml.serving.pages.plan_texts import PLAN_EN, PLAN_ID

LANGUAGES = ("id", "en")
DEFAULT = "id"

_ID: dict[str, str] = {
    # frame
    "app.tagline": "Dukungan keputusan pengembangan kompetensi dan keadilan penilaian ASN",
    "nav.home": "Beranda",
    "nav.units": "Unit",
    "nav.fairness": "Keadilan",
    "nav.model": "Model",
    "nav.logout": "Keluar",
    "nav.search": "Nama atau NIP pegawai",
    "nav.go": "Buka",
    "nav.language": "Bahasa",
    "nav.signed_in": "Masuk sebagai {name} ({role})",
    "footer.snapshot": "Data per {date} · {employees} pegawai",
    "footer.no_snapshot": "Belum ada data: jalankan `talenta score`",
    "footer.model": "Model {name} versi {version} ({alias})",
    "footer.alias.champion": "model utama",
    "footer.alias.challenger": "model penantang",
    "footer.no_model": "Belum ada model yang dimuat",
    "role.planner": "perencana",
    "role.committee": "tim penilai kinerja",
    "role.data-scientist": "ilmuwan data",
    "role.admin": "admin",
    # login
    "login.title": "Masuk",
    "login.intro": "Masuk dengan kunci API yang diberikan administrator Talenta kepada Anda. "
    "Kunci tidak disimpan di peramban; sesi berakhir setelah {hours} jam.",
    "login.key": "Kunci API",
    "login.submit": "Masuk",
    "login.invalid": "Kunci tidak dikenal atau sudah dicabut.",
    "login.expired": "Formulir kedaluwarsa; silakan coba lagi.",
    "login.logged_out": "Anda telah keluar.",
    # home
    "home.title": "Beranda",
    "home.welcome": "Selamat datang, {name}.",
    "home.role": "Peran Anda: {role}. Halaman yang dapat Anda buka:",
    "home.units": "Kebutuhan pelatihan per unit, rencana anggaran dan kekurangan JP.",
    "home.employee": "Profil pegawai dan rekomendasi: buka dengan NIP di kolom pencarian.",
    "home.fairness": "Tanda keadilan penilaian kinerja, grafik dan jejak peninjauan.",
    "home.model": "Versi model, metrik, kalibrasi dan kartu model.",
    "home.none": "Peran ini tidak membuka halaman apa pun.",
    # units
    "units.title": "Unit kerja",
    "units.intro": "{count} unit dalam data per {date}.",
    "units.filter": "Saring",
    "units.unit": "Unit",
    "units.agency": "Instansi",
    "units.headcount": "Pegawai",
    "units.filter_label": "Nama, kode atau instansi",
    "units.found": "{count} unit ditampilkan.",
    "units.sorted_by": "Diurutkan menurut {sort}.",
    "units.sort.need": "jumlah pegawai dengan kesenjangan kompetensi",
    "units.sort.shortfall": "kekurangan JP",
    "units.sort.headcount": "jumlah pegawai",
    "units.sort.name": "nama unit",
    "units.with_gap": "Pegawai dengan kesenjangan",
    "units.short": "Kurang dari minimal JP tahun lalu",
    "units.short_cell": "{people} orang · {jp} JP",
    "units.none": "Tidak ada unit yang cocok dengan “{query}”.",
    "find.title": "Cari pegawai",
    "find.query": "Nama atau NIP",
    "find.unit": "Unit kerja (nama atau kode)",
    "find.submit": "Cari",
    "find.hint": "Ketik sebagian nama (misalnya “siti rah”) atau NIP, lengkap atau sebagian, "
    "dengan atau tanpa spasi (19850312 201001 1 002). Hasil yang paling cocok tampil lebih "
    "dahulu.",
    "find.count": "{count} pegawai ditemukan.",
    "find.none": "Tidak ada pegawai yang cocok dengan “{query}”. Periksa ejaan nama atau NIP, "
    "atau kosongkan isian unit kerja.",
    "find.name": "Nama dan NIP",
    "find.position": "Jabatan",
    "find.unit_col": "Unit kerja",
    "page.label": "Halaman",
    "page.prev": "‹ Sebelumnya",
    "page.next": "Berikutnya ›",
    "page.of": "Halaman {page} dari {pages}",
    "error.bad_page": "Nomor halaman “{value}” tidak valid: isi dengan bilangan bulat mulai "
    "dari 1.",
    "error.bad_sort": "Urutan “{value}” tidak dikenal. Pilihan yang tersedia: {allowed}.",
    "nav.people": "Pegawai",
    "unit.title": "Unit {unit}",
    "unit.summary": "{employees} pegawai · data per {date}",
    "unit.heatmap": "Peta kebutuhan pelatihan",
    "unit.heatmap_intro": "Peluang kebutuhan pelatihan menurut model, per pegawai dan "
    "kompetensi yang dipersyaratkan jabatannya. Titik: kesenjangan yang diketahui menurut "
    "aturan. Kotak kosong: tidak dipersyaratkan. Pegawai dengan kebutuhan terbesar di atas.",
    "unit.heatmap_label": "peluang kebutuhan",
    "unit.cell": "{employee}, {competency}: peluang kebutuhan {probability}",
    "unit.shortfall": "Kekurangan JP",
    "unit.shortfall_intro": "Minimal {minimum} JP pengembangan kompetensi per tahun. "
    "{year}: {short} dari {employees} pegawai kurang, total {jp} JP. "
    "{last_year} (tahun penuh): {short_last} pegawai kurang.",
    "unit.none_short": "Tidak ada pegawai yang kurang JP.",
    "unit.short_in": "Kurang JP pada {year}: {count} pegawai",
    "unit.plan": "Rencana pelatihan",
    "unit.plan_intro": "Pilih siapa mengikuti program apa tahun ini: kesenjangan kompetensi "
    "terbesar yang tertutup dalam batas anggaran dan JP.",
    "unit.budget": "Anggaran (Rp)",
    "unit.max_jp": "JP maksimal per orang",
    "unit.minimum_jp": "JP minimal per tahun",
    "unit.submit": "Susun rencana",
    "unit.result": "Hasil rencana",
    "unit.status": "Status",
    "unit.cost": "Biaya",
    "unit.gain": "Kesenjangan tertutup (level)",
    "unit.placements": "Kursi pelatihan",
    "unit.people": "Pegawai dalam rencana",
    "unit.explanation": "Penjelasan (dari pengoptimasi)",
    "unit.per_program": "Per program",
    "unit.per_employee": "Per pegawai",
    "unit.still_short": "Masih kurang dari minimal JP",
    "unit.program": "Program",
    "unit.reason": "Alasan",
    "unit.jp_planned": "JP direncanakan",
    "unit.jp_total": "JP total",
    "unit.short": "Kurang",
    "unit.invalid": "Isian rencana tidak valid: {detail}",
    "unit.hard_minimum": "JP minimal",
    "unit.hard_minimum_help": "wajib untuk semua (batasan keras)",
    "unit.pinned": "Wajib ikut pelatihan",
    "unit.excluded_employees": "Pegawai yang dikecualikan",
    "unit.excluded_programs": "Program yang dikecualikan",
    "unit.choices_help": "Pilih beberapa dengan Ctrl atau Cmd (di ponsel: ketuk).",
    "unit.needed_budget": "Anggaran tidak cukup untuk memenuhi pilihan ini: dibutuhkan "
    "paling sedikit {needed}.",
    "unit.no_budget_helps": "Berapa pun anggarannya, pilihan ini tidak dapat dipenuhi "
    "(lihat penjelasan).",
    "unit.pinned_and_excluded": "Seorang pegawai tidak dapat sekaligus wajib ikut dan "
    "dikecualikan.",
    "unit.not_in_unit": "Pegawai yang dipilih bukan pegawai unit ini.",
    "money.bad": "{field}: “{text}” tidak dapat dibaca sebagai rupiah ({why}). Contoh: "
    "Rp 50.000.000, 50.000.000, 50 juta, 1,5 miliar.",
    "money.empty": "kosong",
    "money.negative": "tidak boleh negatif",
    "money.dot": "titik memisahkan ribuan per tiga angka; desimal memakai koma",
    "money.decimals": "paling banyak dua angka desimal",
    "money.unit": "satuan yang dikenal: ribu, juta, miliar, triliun",
    "money.format": "bukan angka",
    "form.field": "Isian",
    "form.not_a_number": "{field}: “{text}” bukan angka.",
    "form.invalid": "{field}: nilai tidak valid.",
    "form.greater_than": "{field}: harus lebih dari {limit}.",
    "form.greater_than_equal": "{field}: paling sedikit {limit}.",
    "form.less_than": "{field}: harus kurang dari {limit}.",
    "form.less_than_equal": "{field}: paling banyak {limit}.",
    "plan.optimal": "optimal",
    "plan.infeasible": "tidak layak: anggaran atau pilihan tidak dapat dipenuhi",
    "plan.nothing": "tidak ada yang dapat direncanakan",
    "plan.greedy": "cara serakah (pembanding)",
    "plan.time_limit": "batas waktu tercapai: rencana terbaik yang ditemukan",
    "plan.stopped": "pengoptimasi berhenti lebih awal",
    # employee
    "emp.title": "Pegawai {nip}",
    "emp.profile": "Profil",
    "emp.agency": "Instansi",
    "emp.unit": "Unit",
    "emp.region": "Wilayah",
    "emp.position": "Jabatan",
    "emp.position_type": "Jenis jabatan",
    "emp.grade": "Golongan",
    "emp.education": "Pendidikan",
    "emp.employment_type": "Status kepegawaian",
    "emp.as_of": "Data per",
    "emp.protected": "Atribut yang dilindungi (hanya tim penilai kinerja)",
    "emp.gender": "Jenis kelamin",
    "emp.birth_year": "Tahun lahir",
    "emp.age_band": "Kelompok umur",
    "emp.competencies": "Kompetensi: level dibanding persyaratan",
    "emp.level": "Level",
    "emp.required": "Persyaratan",
    "emp.unknown": "belum dinilai / kedaluwarsa",
    "emp.gaps": "Kesenjangan",
    "emp.competency": "Kompetensi",
    "emp.group": "Kelompok",
    "emp.gap": "Kesenjangan",
    "emp.assessed_on": "Dinilai",
    "emp.jpm": "Job-Person Match (JPM)",
    "emp.jpm_detail": "{known} dari {required} kompetensi dengan level terkini "
    "(kedaluwarsa setelah {months} bulan)",
    "emp.talent": "Kotak manajemen talenta (9-box)",
    "emp.box": "Kotak {box}",
    "emp.box_label": "Kotak",
    "emp.box_unknown": "Tidak dapat ditentukan",
    "emp.performance": "Kinerja",
    "emp.potential": "Potensial",
    "emp.talent_pool": "Kelompok rencana suksesi",
    "emp.follow_up": "Tindak lanjut",
    "emp.jp": "Jam pelajaran (JP)",
    "emp.jp_year": "{year}: {taken} JP, kurang {shortfall} JP",
    "emp.jp_in_progress": "(tahun berjalan)",
    "emp.predikat": "Riwayat predikat kinerja",
    "emp.period": "Periode",
    "emp.hasil": "Hasil kerja",
    "emp.perilaku": "Perilaku kerja",
    "emp.predikat_col": "Predikat",
    "emp.recommendations": "Rekomendasi",
    "emp.model_note": "Peluang kebutuhan dari model {name} v{version} (@{alias}), di samping "
    "kesenjangan menurut aturan.",
    "emp.no_model": "Belum ada model yang dimuat: rekomendasi tidak tersedia.",
    "emp.need": "Peluang kebutuhan",
    "emp.why": "Mengapa: {competency}",
    "emp.why_intro": "Tiap baris menunjukkan seberapa besar satu hal menaikkan (ke kanan) atau "
    "menurunkan (ke kiri) skor kebutuhan, dari nilai dasar model sampai skor akhir dan "
    "peluangnya.",
    "emp.programs": "Program yang disarankan",
    "emp.rank": "Peringkat",
    "emp.title_col": "Judul",
    "emp.expected_gain": "Perkiraan level tertutup",
    "emp.cost": "Biaya",
    "emp.no_programs": "Tidak ada program yang sesuai.",
    "emp.yes": "ya",
    "emp.no": "tidak",
    "wf.baseline": "Nilai dasar model",
    "wf.other": "Fitur lainnya",
    "wf.log_odds": "Skor akhir model",
    "wf.probability": "Peluang",
    "wf.raises": "menaikkan kebutuhan",
    "wf.lowers": "menurunkan kebutuhan",
    # fairness
    "fair.title": "Keadilan penilaian kinerja",
    "fair.coverage": "Cakupan audit",
    "fair.coverage_when": "Audit terakhir dijalankan {date}.",
    "fair.coverage_missing": "{count} pemeriksaan tidak dapat dijalankan. Tidak adanya tanda "
    "pada pemeriksaan itu tidak berarti penilaian sudah adil; lihat alasannya di tabel.",
    "fair.coverage_all": "Semua pemeriksaan dapat dijalankan pada data ini.",
    "fair.coverage_caption": "Pemeriksaan yang dijalankan audit dan alasan bila tidak",
    "fair.coverage_check": "Pemeriksaan",
    "fair.coverage_attribute": "Atribut dilindungi",
    "fair.coverage_ran": "Dijalankan",
    "fair.coverage_yes": "Ya",
    "fair.coverage_not_run": "Tidak",
    "fair.coverage_tested": "Diuji",
    "fair.coverage_flagged": "Ditandai",
    "fair.coverage_reason": "Alasan tidak dijalankan",
    "fair.intro": "Tanda dari audit terakhir untuk ditinjau tim penilai kinerja. Tanda adalah "
    "bukti untuk diperiksa, bukan putusan.",
    "fair.counts": "Tanda per jenis temuan",
    "fair.raters": "Efek penilai",
    "fair.raters_intro": "Selisih rata-rata antara rating yang diberikan penilai dan rating "
    "yang didukung bukti kinerja, dalam langkah penilaian, dengan interval kepercayaan 95%. Di "
    "kanan nol: penilai terlalu longgar; di kiri: terlalu ketat.",
    "fair.effect_axis": "selisih dari yang didukung bukti (langkah penilaian)",
    "fair.groups": "Kesenjangan antarkelompok",
    "fair.groups_intro": "Selisih rata-rata rating tiap kelompok dibanding pegawai lain dengan "
    "bukti kinerja yang setara, dalam langkah penilaian, dengan interval 95%. Predikat teratas "
    "adalah Sangat Baik. Merah: ditandai.",
    "fair.groups_axis": "selisih bersyarat (langkah penilaian)",
    "fair.groups_missing": "Tabel kesenjangan kelompok dari audit tidak ditemukan.",
    "fair.scores": "Nilai individual yang menyimpang",
    "fair.none": "Tidak ada.",
    "fair.flags": "Semua tanda",
    "fair.family": "Jenis temuan",
    "fair.status": "Status",
    "fair.all": "semua",
    "fair.apply": "Terapkan",
    "fair.kind": "Jenis",
    "fair.subject": "Subjek",
    "fair.group": "Kelompok",
    "fair.effect": "Efek",
    "fair.ci": "Interval 95%",
    "fair.q": "Nilai q",
    "fair.given": "Diberikan",
    "fair.expected": "Diharapkan",
    "fair.reviews": "Tinjauan",
    "fair.page": "Tanda {first}–{last} dari {total}",
    "fair.previous": "Sebelumnya",
    "fair.next": "Berikutnya",
    "flag.title": "Tanda {kind}: {subject}",
    "flag.details": "Rincian",
    "flag.evidence": "Bukti",
    "flag.agency": "Instansi",
    "flag.region": "Wilayah",
    "flag.n": "Jumlah pengamatan",
    "flag.observed": "Terakhir diamati",
    "flag.review": "Tinjau",
    "flag.decision": "Keputusan",
    "flag.reason": "Alasan",
    "flag.reason_hint": "Jelaskan mengapa; tercatat dengan nama Anda dan tidak dapat diubah.",
    "flag.submit": "Simpan tinjauan",
    "flag.saved": "Tinjauan tersimpan dalam jejak.",
    "flag.invalid": "Tinjauan tidak tersimpan: {detail}",
    "flag.trail": "Jejak",
    "flag.event": "Peristiwa",
    "flag.at": "Waktu",
    "flag.by": "Oleh",
    "flag.back": "Kembali ke daftar tanda",
    "flag.subject_employee": "Profil pegawai",
    "flag.subject_name": "Nama",
    # models
    "model.title": "Model",
    "model.serving": "Melayani: {name} v{version} (@{alias}), dimuat {loaded}.",
    "model.not_serving": "Tidak ada model yang melayani: {error}",
    "model.versions": "Versi {name}",
    "model.version": "Versi",
    "model.aliases": "Alias",
    "model.created": "Dibuat",
    "model.show": "Tampilkan",
    "model.calibration": "Kalibrasi (data uji)",
    "model.calibration_intro": "Tingkat kebutuhan teramati terhadap rata-rata peluang per "
    "kelompok; model yang terkalibrasi sempurna mengikuti diagonal. ECE {ece}.",
    "model.predicted": "peluang kebutuhan diprediksi",
    "model.observed": "tingkat kebutuhan teramati",
    "model.no_calibration": "Run ini tidak menyimpan tabel kalibrasi.",
    "model.card": "Kartu model (v{version})",
    "model.card_language": "Kartu model ditulis dalam bahasa Inggris oleh proses pelatihan.",
    "model.no_card": "Run ini tidak menyimpan kartu model.",
    # errors
    "error.title": "Kesalahan {status}",
    "error.forbidden": "Peran {role} tidak boleh {permission}. Peran yang boleh: {roles}.",
    "error.csrf": "Formulir tidak sah atau kedaluwarsa (token CSRF). Muat ulang halaman dan "
    "coba lagi.",
    "error.not_found": "Tidak ditemukan: {detail}",
    "error.unavailable": "Layanan belum siap: {detail}",
    "error.home": "Ke beranda",
    "perm.read employees": "membaca data pegawai",
    "perm.read protected attributes": "membaca atribut yang dilindungi",
    "perm.plan units": "merencanakan pelatihan unit",
    "perm.read and review fairness flags": "membaca dan meninjau tanda keadilan",
    "perm.read models": "membaca model",
    "perm.reload models": "memuat ulang model",
    # codes
    "code.SANGAT_BAIK": "Sangat Baik",
    "code.BAIK": "Baik",
    "code.BUTUH_PERBAIKAN": "Butuh Perbaikan",
    "code.KURANG": "Kurang",
    "code.SANGAT_KURANG": "Sangat Kurang",
    "code.DI_ATAS": "Di atas ekspektasi",
    "code.SESUAI": "Sesuai ekspektasi",
    "code.DI_BAWAH": "Di bawah ekspektasi",
    "code.RENDAH": "Rendah",
    "code.MENENGAH": "Menengah",
    "code.TINGGI": "Tinggi",
    "code.OPTIMAL": "Optimal",
    "code.CUKUP_OPTIMAL": "Cukup optimal",
    "code.KURANG_OPTIMAL": "Kurang optimal",
    "code.MANAJERIAL": "Manajerial",
    "code.SOSIAL_KULTURAL": "Sosial kultural",
    "code.TEKNIS": "Teknis",
    "code.RATER": "Penilai",
    "code.DIFFERENTIAL": "Penilai berbeda per kelompok",
    "code.GROUP": "Kesenjangan kelompok",
    "code.SCORE": "Nilai menyimpang",
    "code.PREDIKAT": "Predikat tidak sesuai aturan",
    "code.DISTRIBUTION": "Kurva distribusi",
    "code.LENIENT": "Terlalu longgar",
    "code.SEVERE": "Terlalu ketat",
    "code.UNRESOLVED": "Condong, belum jelas ke siapa",
    "code.DISPARITY": "Kesenjangan",
    "code.OUTLIER": "Menyimpang",
    "code.MISMATCH": "Tidak sesuai",
    "code.CURVE": "Kurva",
    "code.OPEN": "Terbuka",
    "code.CONFIRMED": "Dikonfirmasi",
    "code.DISMISSED": "Ditolak",
    "code.NEEDS_INFO": "Perlu informasi",
    "code.RAISED": "Dimunculkan",
    "code.OBSERVED": "Diamati lagi",
    "code.REVIEWED": "Ditinjau",
    "code.L": "Laki-laki",
    "code.P": "Perempuan",
    "box.1": "ditangani sesuai ketentuan disiplin dan kinerja",
    "box.2": "bimbingan kinerja, pengembangan kompetensi, penempatan yang sesuai",
    "box.3": "bimbingan, konseling, pengembangan kompetensi, penempatan yang sesuai",
    "box.4": "rotasi, pengembangan kompetensi",
    "box.5": "penempatan yang sesuai, bimbingan, pengembangan kompetensi",
    "box.6": "penempatan yang sesuai, bimbingan kinerja dan konseling",
    "box.7": "dipertahankan, kelompok suksesi, rotasi atau pengayaan jabatan, pengembangan "
    "kompetensi, tugas belajar",
    "box.8": "dipertahankan, kelompok suksesi, rotasi atau perluasan jabatan, bimbingan kinerja",
    "box.9": "promosi dan dipertahankan, kelompok suksesi, penghargaan",
}

_EN: dict[str, str] = {
    "app.tagline": "Decision support for civil-service competency development and fair appraisal",
    "nav.home": "Home",
    "nav.units": "Units",
    "nav.fairness": "Fairness",
    "nav.model": "Model",
    "nav.logout": "Log out",
    "nav.search": "Employee name or NIP",
    "nav.go": "Open",
    "nav.language": "Language",
    "nav.signed_in": "Signed in as {name} ({role})",
    "footer.snapshot": "Data as of {date} · {employees} employees",
    "footer.no_snapshot": "No data yet: run `talenta score`",
    "footer.model": "Model {name} v{version} ({alias})",
    "footer.alias.champion": "the champion",
    "footer.alias.challenger": "the challenger",
    "footer.no_model": "No model loaded yet",
    "role.planner": "planner",
    "role.committee": "merit committee",
    "role.data-scientist": "data scientist",
    "role.admin": "admin",
    "login.title": "Log in",
    "login.intro": "Log in with the API key your Talenta administrator gave you. "
    "The key is not kept in the browser; the session ends after {hours} hours.",
    "login.key": "API key",
    "login.submit": "Log in",
    "login.invalid": "Unknown or revoked key.",
    "login.expired": "The form expired; please try again.",
    "login.logged_out": "You are logged out.",
    "home.title": "Home",
    "home.welcome": "Welcome, {name}.",
    "home.role": "Your role: {role}. The pages you may open:",
    "home.units": "Training needs per unit, the budget plan and the JP shortfall.",
    "home.employee": "An employee's profile and recommendations: open by NIP in the search box.",
    "home.fairness": "Appraisal-fairness flags, their charts and the review trail.",
    "home.model": "Model versions, metrics, calibration and the model card.",
    "home.none": "This role opens no pages.",
    "units.title": "Units",
    "units.intro": "{count} units in the data as of {date}.",
    "units.filter": "Filter",
    "units.unit": "Unit",
    "units.agency": "Agency",
    "units.headcount": "Employees",
    "units.filter_label": "Name, code or agency",
    "units.found": "{count} units shown.",
    "units.sorted_by": "Sorted by {sort}.",
    "units.sort.need": "employees with a competency gap",
    "units.sort.shortfall": "JP shortfall",
    "units.sort.headcount": "head-count",
    "units.sort.name": "unit name",
    "units.with_gap": "Employees with a gap",
    "units.short": "Short of the JP minimum last year",
    "units.short_cell": "{people} people · {jp} JP",
    "units.none": "No unit matches “{query}”.",
    "find.title": "Find employees",
    "find.query": "Name or NIP",
    "find.unit": "Unit (name or code)",
    "find.submit": "Search",
    "find.hint": "Type part of a name (e.g. “siti rah”) or a NIP, whole or in part, with or "
    "without spaces (19850312 201001 1 002). The best matches come first.",
    "find.count": "{count} employees found.",
    "find.none": "No employee matches “{query}”. Check the spelling of the name or NIP, or "
    "clear the unit field.",
    "find.name": "Name and NIP",
    "find.position": "Position",
    "find.unit_col": "Unit",
    "page.label": "Pages",
    "page.prev": "‹ Previous",
    "page.next": "Next ›",
    "page.of": "Page {page} of {pages}",
    "error.bad_page": "Page number “{value}” is not valid: use a whole number from 1.",
    "error.bad_sort": "Unknown order “{value}”. Available: {allowed}.",
    "nav.people": "Employees",
    "unit.title": "Unit {unit}",
    "unit.summary": "{employees} employees · data as of {date}",
    "unit.heatmap": "Training-need heat-map",
    "unit.heatmap_intro": "The model's training-need probability per employee and competency "
    "the position requires. Dot: a gap known by the rules. Empty cell: not required. "
    "Employees with the largest needs on top.",
    "unit.heatmap_label": "need probability",
    "unit.cell": "{employee}, {competency}: need probability {probability}",
    "unit.shortfall": "JP shortfall",
    "unit.shortfall_intro": "At least {minimum} JP of competency development per year. "
    "{year}: {short} of {employees} employees short, {jp} JP in all. "
    "{last_year} (full year): {short_last} employees short.",
    "unit.none_short": "Nobody is short of JP.",
    "unit.short_in": "Short of JP in {year}: {count} employees",
    "unit.plan": "Training plan",
    "unit.plan_intro": "Choose who attends which programme this year: the most competency gap "
    "closed within the budget and JP limits.",
    "unit.budget": "Budget (Rp)",
    "unit.max_jp": "Most JP per person",
    "unit.minimum_jp": "Yearly JP minimum",
    "unit.submit": "Make the plan",
    "unit.result": "The plan",
    "unit.status": "Status",
    "unit.cost": "Cost",
    "unit.gain": "Gap closed (levels)",
    "unit.placements": "Places",
    "unit.people": "Employees in the plan",
    "unit.explanation": "Explanation (from the optimiser)",
    "unit.per_program": "Per programme",
    "unit.per_employee": "Per employee",
    "unit.still_short": "Still short of the JP minimum",
    "unit.program": "Programme",
    "unit.reason": "Reason",
    "unit.jp_planned": "JP planned",
    "unit.jp_total": "JP in all",
    "unit.short": "Short",
    "unit.invalid": "The plan's inputs are not valid: {detail}",
    "unit.hard_minimum": "JP minimum",
    "unit.hard_minimum_help": "required for everyone (a hard constraint)",
    "unit.pinned": "Must attend training",
    "unit.excluded_employees": "Employees excluded",
    "unit.excluded_programs": "Programmes excluded",
    "unit.choices_help": "Select several with Ctrl or Cmd (on a phone: tap).",
    "unit.needed_budget": "The budget cannot meet these choices: they need at least {needed}.",
    "unit.no_budget_helps": "No budget can meet these choices (see the explanation).",
    "unit.pinned_and_excluded": "An employee cannot be both required and excluded.",
    "unit.not_in_unit": "An employee chosen is not in this unit.",
    "money.bad": "{field}: “{text}” cannot be read as rupiah ({why}). For example: "
    "Rp 50.000.000, 50.000.000, 50 juta, 1,5 miliar.",
    "money.empty": "empty",
    "money.negative": "cannot be negative",
    "money.dot": "a dot separates thousands in threes; decimals take a comma",
    "money.decimals": "at most two decimals",
    "money.unit": "units known: ribu, juta, miliar, triliun",
    "money.format": "not a number",
    "form.field": "Field",
    "form.not_a_number": "{field}: “{text}” is not a number.",
    "form.invalid": "{field}: not a valid value.",
    "form.greater_than": "{field}: must be more than {limit}.",
    "form.greater_than_equal": "{field}: at least {limit}.",
    "form.less_than": "{field}: must be less than {limit}.",
    "form.less_than_equal": "{field}: at most {limit}.",
    "plan.optimal": "optimal",
    "plan.infeasible": "infeasible: the budget or the choices cannot be met",
    "plan.nothing": "nothing to plan",
    "plan.greedy": "greedy (baseline)",
    "plan.time_limit": "time limit reached: the best plan found",
    "plan.stopped": "the optimiser stopped early",
    "emp.title": "Employee {nip}",
    "emp.profile": "Profile",
    "emp.agency": "Agency",
    "emp.unit": "Unit",
    "emp.region": "Region",
    "emp.position": "Position",
    "emp.position_type": "Position type",
    "emp.grade": "Grade",
    "emp.education": "Education",
    "emp.employment_type": "Employment type",
    "emp.as_of": "Data as of",
    "emp.protected": "Protected attributes (merit committee only)",
    "emp.gender": "Gender",
    "emp.birth_year": "Birth year",
    "emp.age_band": "Age band",
    "emp.competencies": "Competencies: level against the requirement",
    "emp.level": "Level",
    "emp.required": "Required",
    "emp.unknown": "not assessed / stale",
    "emp.gaps": "Gaps",
    "emp.competency": "Competency",
    "emp.group": "Group",
    "emp.gap": "Gap",
    "emp.assessed_on": "Assessed",
    "emp.jpm": "Job-Person Match (JPM)",
    "emp.jpm_detail": "{known} of {required} competencies with a current level "
    "(stale after {months} months)",
    "emp.talent": "Talent box (9-box)",
    "emp.box": "Box {box}",
    "emp.box_label": "Box",
    "emp.box_unknown": "Cannot be placed",
    "emp.performance": "Performance",
    "emp.potential": "Potential",
    "emp.talent_pool": "Succession pool",
    "emp.follow_up": "Follow-up",
    "emp.jp": "Training hours (JP)",
    "emp.jp_year": "{year}: {taken} JP, {shortfall} JP short",
    "emp.jp_in_progress": "(year in progress)",
    "emp.predikat": "Predikat history",
    "emp.period": "Period",
    "emp.hasil": "Work results",
    "emp.perilaku": "Work behaviour",
    "emp.predikat_col": "Predikat",
    "emp.recommendations": "Recommendations",
    "emp.model_note": "Need probability from model {name} v{version} (@{alias}), beside the "
    "gap by the rules.",
    "emp.no_model": "No model loaded: no recommendations.",
    "emp.need": "Need probability",
    "emp.why": "Why: {competency}",
    "emp.why_intro": "The model's score (log-odds) from its baseline plus each reason's "
    "contribution (TreeSHAP), and the probability it becomes.",
    "emp.programs": "Recommended programmes",
    "emp.rank": "Rank",
    "emp.title_col": "Title",
    "emp.expected_gain": "Expected levels closed",
    "emp.cost": "Cost",
    "emp.no_programs": "No programme fits.",
    "emp.yes": "yes",
    "emp.no": "no",
    "wf.baseline": "Model baseline",
    "wf.other": "Other features",
    "wf.log_odds": "Score (log-odds)",
    "wf.probability": "Probability",
    "wf.raises": "raises the need",
    "wf.lowers": "lowers the need",
    "fair.title": "Appraisal fairness",
    "fair.coverage": "What the audit covered",
    "fair.coverage_when": "Latest audit run on {date}.",
    "fair.coverage_missing": "{count} check(s) could not run. No flag from them does not mean "
    "the appraisals are fair; the table says why.",
    "fair.coverage_all": "Every check could run on these data.",
    "fair.coverage_caption": "The checks the audit ran, and why not where it could not",
    "fair.coverage_check": "Check",
    "fair.coverage_attribute": "Protected attribute",
    "fair.coverage_ran": "Ran",
    "fair.coverage_yes": "Yes",
    "fair.coverage_not_run": "No",
    "fair.coverage_tested": "Judged",
    "fair.coverage_flagged": "Flagged",
    "fair.coverage_reason": "Why it did not run",
    "fair.intro": "Flags from the latest audit, for the merit committee to review. A flag is "
    "evidence to examine, not a verdict.",
    "fair.counts": "Flags by family",
    "fair.raters": "Rater effects",
    "fair.raters_intro": "Mean difference between the ratings a rater gives and those the "
    "evidence supports, in rating steps, with its 95% interval. Right of zero: lenient; left: "
    "severe.",
    "fair.effect_axis": "difference from what the evidence supports (rating steps)",
    "fair.groups": "Group disparity",
    "fair.groups_intro": "Mean rating of each group against others with the same evidence of "
    "performance, in rating steps, with its 95% interval. The top predikat is Sangat Baik. "
    "Red: flagged.",
    "fair.groups_axis": "conditional difference (rating steps)",
    "fair.groups_missing": "The audit's group-disparity table was not found.",
    "fair.scores": "Single scores far from the evidence",
    "fair.none": "None.",
    "fair.flags": "All flags",
    "fair.family": "Family",
    "fair.status": "Status",
    "fair.all": "all",
    "fair.apply": "Apply",
    "fair.kind": "Kind",
    "fair.subject": "Subject",
    "fair.group": "Group",
    "fair.effect": "Effect",
    "fair.ci": "95% interval",
    "fair.q": "q-value",
    "fair.given": "Given",
    "fair.expected": "Expected",
    "fair.reviews": "Reviews",
    "fair.page": "Flags {first}–{last} of {total}",
    "fair.previous": "Previous",
    "fair.next": "Next",
    "flag.title": "{kind} flag: {subject}",
    "flag.details": "Details",
    "flag.evidence": "Evidence",
    "flag.agency": "Agency",
    "flag.region": "Region",
    "flag.n": "Observations",
    "flag.observed": "Last observed",
    "flag.review": "Review",
    "flag.decision": "Decision",
    "flag.reason": "Reason",
    "flag.reason_hint": "Say why; it is kept under your name and cannot be edited.",
    "flag.submit": "Save the review",
    "flag.saved": "The review is saved in the trail.",
    "flag.invalid": "The review was not saved: {detail}",
    "flag.trail": "Trail",
    "flag.event": "Event",
    "flag.at": "When",
    "flag.by": "By",
    "flag.back": "Back to the flags",
    "flag.subject_employee": "Employee profile",
    "flag.subject_name": "Name",
    "model.title": "Models",
    "model.serving": "Serving: {name} v{version} (@{alias}), loaded {loaded}.",
    "model.not_serving": "No model is serving: {error}",
    "model.versions": "Versions of {name}",
    "model.version": "Version",
    "model.aliases": "Aliases",
    "model.created": "Created",
    "model.show": "Show",
    "model.calibration": "Calibration (test data)",
    "model.calibration_intro": "Observed need rate against the mean predicted probability per "
    "bin; a perfectly calibrated model follows the diagonal. ECE {ece}.",
    "model.predicted": "predicted need probability",
    "model.observed": "observed need rate",
    "model.no_calibration": "This run stored no calibration table.",
    "model.card": "Model card (v{version})",
    "model.card_language": "The model card is written in English by the training run.",
    "model.no_card": "This run stored no model card.",
    "error.title": "Error {status}",
    "error.forbidden": "Role {role} may not {permission}. Roles that may: {roles}.",
    "error.csrf": "The form is not valid or has expired (CSRF token). Reload the page and try "
    "again.",
    "error.not_found": "Not found: {detail}",
    "error.unavailable": "Not ready: {detail}",
    "error.home": "Go home",
    "perm.read employees": "read employees",
    "perm.read protected attributes": "read protected attributes",
    "perm.plan units": "plan units",
    "perm.read and review fairness flags": "read and review fairness flags",
    "perm.read models": "read models",
    "perm.reload models": "reload models",
    "code.SANGAT_BAIK": "Very good",
    "code.BAIK": "Good",
    "code.BUTUH_PERBAIKAN": "Needs improvement",
    "code.KURANG": "Poor",
    "code.SANGAT_KURANG": "Very poor",
    "code.DI_ATAS": "Above expectations",
    "code.SESUAI": "As expected",
    "code.DI_BAWAH": "Below expectations",
    "code.RENDAH": "Low",
    "code.MENENGAH": "Medium",
    "code.TINGGI": "High",
    "code.OPTIMAL": "Optimal",
    "code.CUKUP_OPTIMAL": "Fairly optimal",
    "code.KURANG_OPTIMAL": "Below optimal",
    "code.MANAJERIAL": "Managerial",
    "code.SOSIAL_KULTURAL": "Socio-cultural",
    "code.TEKNIS": "Technical",
    "code.RATER": "Rater",
    "code.DIFFERENTIAL": "Differential rater functioning",
    "code.GROUP": "Group disparity",
    "code.SCORE": "Outlying score",
    "code.PREDIKAT": "Predikat against the rule",
    "code.DISTRIBUTION": "Distribution curve",
    "code.LENIENT": "Lenient",
    "code.SEVERE": "Severe",
    "code.UNRESOLVED": "Leaning, towards whom unresolved",
    "code.DISPARITY": "Disparity",
    "code.OUTLIER": "Outlier",
    "code.MISMATCH": "Mismatch",
    "code.CURVE": "Curve",
    "code.OPEN": "Open",
    "code.CONFIRMED": "Confirmed",
    "code.DISMISSED": "Dismissed",
    "code.NEEDS_INFO": "Needs information",
    "code.RAISED": "Raised",
    "code.OBSERVED": "Observed again",
    "code.REVIEWED": "Reviewed",
    "code.L": "Male",
    "code.P": "Female",
    "box.1": "handled under the disciplinary and performance regulations",
    "box.2": "coaching, competency development, suitable placement",
    "box.3": "coaching, counselling, competency development, suitable placement",
    "box.4": "rotation, competency development",
    "box.5": "suitable placement, coaching, competency development",
    "box.6": "suitable placement, performance coaching and counselling",
    "box.7": "retain, succession pool, rotation or job enrichment, competency development, "
    "study assignment",
    "box.8": "retain, succession pool, rotation or job enlargement, performance coaching",
    "box.9": "promote and retain, succession pool, award",
}

# the committee's workflow keeps its words in ml/serving/pages/i18n_committee.py
from ml.serving.pages.i18n_committee import COMMITTEE_EN, COMMITTEE_ID  # noqa: E402

_ID.update(COMMITTEE_ID)
_EN.update(COMMITTEE_EN)
_ID.update(PLAN_ID)  # saved plans: ml/serving/pages/plan_texts.py
_EN.update(PLAN_EN)
STRINGS: dict[str, dict[str, str]] = {"id": _ID, "en": _EN}

# The unit plan's sentences (:mod:`ml.recommend.notes`) in Bahasa Indonesia, by code. English
# pages show the optimiser's own English text, so there is no English twin of this table.
NOTES_ID: dict[str, str] = {
    "solver": "Pengoptimasi: {status}; rencana ini paling jauh {gap} dari yang terbaik mungkin.",
    "solver_no_bound": "Pengoptimasi: {status}; belum diketahui seberapa dekat rencana ini "
    "dengan yang terbaik mungkin.",
    "greedy_better": "Rencana terbaik pengoptimasi bernilai lebih rendah daripada urutan "
    "manfaat per rupiah, jadi urutan itulah yang dipakai.",
    "greedy": "Pembanding: program diambil menurut perkiraan manfaat per rupiah selama "
    "anggaran, batas JP per orang dan kursi memungkinkan.",
    "nothing": "Tidak ada yang dapat direncanakan: {why}.",
    "nothing.negative_budget": "anggaran {budget_idr} di bawah nol",
    "nothing.no_needs": "tidak ada pegawai unit ini dengan kebutuhan yang disasar program "
    "dalam katalog",
    "nothing.zero_budget": "anggarannya Rp 0",
    "nothing.too_expensive": "program termurah {cheapest_idr}, lebih mahal daripada anggaran "
    "{budget_idr}",
    "nothing.too_long": "semua program lebih panjang daripada batas {limit_jp} JP per orang",
    "nothing.no_seats": "tidak ada program dengan kursi untuk unit ini",
    "nothing.nothing_fits": "tidak ada program yang sekaligus masuk anggaran, masuk batas JP "
    "per orang dan masih punya kursi",
    "nothing.no_plan_in_time": "waktu pengoptimasi habis sebelum ditemukan rencana yang "
    "memenuhi pilihan Anda",
    "infeasible.budget": "Tidak ada rencana dalam anggaran {budget_idr} yang memenuhi "
    "{asked}: dibutuhkan anggaran paling sedikit {needed_idr} ({more_idr} lagi).",
    "infeasible.any": "Berapa pun anggarannya, tidak ada rencana yang memenuhi {asked}: {why}.",
    "asked.pinned": "{count} pegawai wajib ikut",
    "asked.hard": "minimal {minimum_jp} JP untuk semua pegawai",
    "asked.join": " dan ",
    "impossible.stuck": "tidak ada program untuk pegawai wajib ikut {ids}",
    "impossible.behind": "{count} pegawai tidak dapat mencapai minimal dengan program yang ada "
    "dalam batas {limit_jp} JP ({ids})",
    "impossible.seats": "kursi program tidak cukup untuk semua sekaligus",
    "spent": "{assignments} penempatan untuk {people} dari {employees} pegawai, dengan biaya "
    "{cost_idr} dari anggaran {budget_idr} (sisa {left_idr}).",
    "worth": "Rencana ini diperkirakan menutup {gain} level kesenjangan kompetensi; sisa "
    "kekurangan terhadap minimal {minimum_jp} JP: {short_jp} JP.",
    "short.none": "Semua pegawai mencapai minimal {minimum_jp} JP.",
    "short.some": "{count} pegawai masih di bawah minimal {minimum_jp} JP: {kinds}.",
    "empty": "Tidak ada penempatan: tidak ada program yang menambah penutupan kesenjangan "
    "atau JP yang berarti.",
    # reasons, one employee each
    "excluded": "Dikecualikan oleh perencana.",
    "no_programme": "Tidak ada program yang menyasar kebutuhannya.",
    "per_person_limit": "Batas {limit_jp} JP per orang sudah tercapai.",
    "capacity": "Kursi program yang sesuai untuknya sudah penuh.",
    "penalty": "Anggaran menutup kesenjangan lebih besar bila dipakai untuk pegawai lain.",
    "budget": "Anggaran habis: program termurah yang tersisa untuknya {cheapest_idr}.",
    # the same reasons, short, in the count of who stays short
    "kind.excluded": "dikecualikan",
    "kind.no_programme": "tidak ada program",
    "kind.per_person_limit": "batas JP per orang",
    "kind.capacity": "kursi penuh",
    "kind.penalty": "anggaran lebih bermanfaat untuk pegawai lain",
    "kind.budget": "anggaran habis",
}


MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# The model's reasons in Bahasa Indonesia; a feature not listed keeps its English label.
FEATURES_ID: dict[str, str] = {
    "competency_code": "Kompetensi",
    "competency_group": "Kelompok kompetensi",
    "required_level": "Level yang dipersyaratkan",
    "last_level": "Level penilaian terakhir",
    "last_method": "Metode penilaian terakhir",
    "assessment_age_months": "Bulan sejak penilaian terakhir",
    "n_assessments": "Jumlah penilaian",
    "level_trend_per_year": "Tren level (per tahun)",
    "gap": "Kesenjangan terhadap persyaratan",
    "level_estimate": "Perkiraan level (semua penilaian, berbobot keandalan)",
    "level_estimate_weight": "Bobot bukti perkiraan level",
    "ability_estimate": "Level di atas persyaratan pada semua kompetensi",
    "jp_12m": "JP untuk kompetensi ini, 12 bulan terakhir",
    "jp_24m": "JP untuk kompetensi ini, 24 bulan terakhir",
    "jp_36m": "JP untuk kompetensi ini, 36 bulan terakhir",
    "programs_completed": "Program selesai untuk kompetensi ini",
    "dropped_count": "Program tidak selesai untuk kompetensi ini",
    "months_since_training": "Bulan sejak pelatihan terakhir untuk kompetensi ini",
    "mean_post_score": "Rata-rata nilai pascapelatihan untuk kompetensi ini",
    "jp_this_year": "JP tahun ini",
    "jp_last_12m": "JP, 12 bulan terakhir",
    "jp_shortfall": "Kekurangan dari minimal 20 JP per tahun",
    "tenure_years": "Masa kerja (tahun)",
    "grade": "Golongan",
    "grade_rank": "Golongan (peringkat)",
    "education": "Pendidikan",
    "education_rank": "Pendidikan (peringkat)",
    "position_type": "Jenis jabatan",
    "employment_type": "Status kepegawaian",
    "agency_id": "Instansi",
    "n_periods": "Jumlah periode penilaian kinerja",
    "last_predikat": "Predikat kinerja terakhir",
    "years_since_last_appraisal": "Tahun sejak penilaian kinerja terakhir",
    "kpi_mean": "Rata-rata capaian IKU, 5 tahun terakhir",
    "kpi_slope_per_year": "Tren capaian IKU (per tahun), 5 tahun terakhir",
    "feedback_mean": "Rata-rata umpan balik pengguna layanan, 5 tahun terakhir",
    "score_mean": "Rata-rata nilai penilaian kinerja, 5 tahun terakhir",
    "peer_rating_mean": "Rata-rata penilaian 360° dari rekan",
    "n_competencies": "Kompetensi yang dipersyaratkan jabatan",
    "n_gaps_known": "Kompetensi dengan level terkini",
    "n_gaps_positive": "Kompetensi di bawah persyaratan",
    "jpm_known_percent": "Job-person match (JPM), %",
    "jpm_known_category": "Kategori job-person match (JPM)",
    "jpm_coverage": "Bagian kompetensi dengan level terkini",
}


@dataclass(frozen=True)
class Translator:
    """The texts of one language, callable from the templates as ``t("key", name=value)``."""

    lang: str

    def __call__(self, key: str, **values: Any) -> str:
        text = STRINGS[self.lang].get(key) or STRINGS[DEFAULT].get(key)
        if text is None:  # a typo in a template shows itself rather than break the page
            return key
        return text.format(**values) if values else text

    def code(self, value: Any) -> str:
        """A code of the data (``BAIK``, ``LENIENT``, ``OPEN``...) in words, or as it is."""
        if value is None:
            return "—"
        return STRINGS[self.lang].get(f"code.{value}", str(value))

    def feature(self, name: str, english: str) -> str:
        """A model feature's label: the English one from training, or its Bahasa version."""
        if self.lang == "id":
            return FEATURES_ID.get(name, english)
        return FEATURE_LABELS.get(name, english)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """A number with the language's separators (Bahasa: 1.234,5; English: 1,234.5)."""
        if value is None:
            return "—"
        text = f"{value:,.{digits}f}"
        if self.lang == "id":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def percent(self, value: float | None, digits: int = 0) -> str:
        """A share in [0, 1] as a percentage."""
        return "—" if value is None else self.number(value * 100, digits) + "%"

    def date(self, value: date | datetime | str | None) -> str:
        """``1 Januari 2026`` (English: ``1 January 2026``); a time adds ``14.05`` (``14:05``)."""
        if value is None:
            return "—"
        if isinstance(value, str):
            # stored profiles keep ISO dates as text: "2026-01-01" reads as a date too
            try:
                parsed = date.fromisoformat(value[:10])
            except ValueError:
                return value
            return self.date(parsed)
        months = MONTHS_ID if self.lang == "id" else MONTHS_EN
        day = f"{value.day} {months[value.month - 1]} {value.year}"
        if isinstance(value, datetime):
            local = local_time(value)
            day = f"{local.day} {months[local.month - 1]} {local.year}"
            separator = "." if self.lang == "id" else ":"
            return f"{day} {local.hour:02d}{separator}{local.minute:02d} {local.tzname()}"
        return day

    def note(self, note: dict[str, Any] | None, english: str = "") -> str:
        """A sentence of the unit plan (``{"code", "values"}``) in the page's language; English
        pages show the optimiser's ``english`` text as it is."""
        if note is None:
            return ""
        if self.lang != "id":
            return english
        code, values = note["code"], dict(note.get("values") or {})
        text = NOTES_ID.get(code)
        if code.startswith("nothing."):
            why = NOTES_ID.get(code, code).format(**self._values(values))
            return NOTES_ID["nothing"].format(why=why)
        if text is None:  # a sentence this table does not know yet: the English, not a crash
            return english
        shown = self._values(values)
        if code.startswith("infeasible."):
            shown["asked"] = self._asked(values)
        if code == "infeasible.any":
            shown["why"] = self._impossible(values)
        if code == "short.some":
            kinds = values.get("kinds") or {}
            shown["kinds"] = ", ".join(
                f"{NOTES_ID.get(f'kind.{k}', k)} ({n})" for k, n in kinds.items()
            )
        return text.format(**shown)

    def _values(self, values: dict[str, Any]) -> dict[str, str]:
        from ml.recommend.plan import rupiah  # the one rupiah format of the project

        shown: dict[str, str] = {}
        for name, value in values.items():
            if name.endswith("_idr") and isinstance(value, int | float):
                shown[name] = rupiah(value)
            elif name.endswith("_jp") and isinstance(value, int | float):
                shown[name] = self.number(value, 0 if float(value).is_integer() else 1)
            elif name == "gap" and isinstance(value, int | float):
                shown[name] = self.percent(value, 2)
            elif name == "status":
                shown[name] = self.plan_status(str(value))
            elif isinstance(value, bool):
                shown[name] = str(value)
            elif isinstance(value, int):
                shown[name] = self.number(value)
            elif isinstance(value, float):
                shown[name] = self.number(value, 2)
            elif isinstance(value, list):
                shown[name] = ", ".join(map(str, value[:5])) + (" …" if len(value) > 5 else "")
            else:
                shown[name] = str(value)
        return shown

    def _asked(self, values: dict[str, Any]) -> str:
        parts = []
        if values.get("pinned"):
            parts.append(NOTES_ID["asked.pinned"].format(count=values["pinned"]))
        if values.get("hard_minimum"):
            minimum = self._values({"minimum_jp": values.get("minimum_jp", 20)})["minimum_jp"]
            parts.append(NOTES_ID["asked.hard"].format(minimum_jp=minimum))
        return NOTES_ID["asked.join"].join(parts)

    def _impossible(self, values: dict[str, Any]) -> str:
        shown = self._values(values)
        parts = []
        if values.get("stuck"):
            parts.append(NOTES_ID["impossible.stuck"].format(ids=shown["stuck"]))
        if values.get("behind"):
            parts.append(
                NOTES_ID["impossible.behind"].format(
                    count=len(values["behind"]), limit_jp=shown["limit_jp"], ids=shown["behind"]
                )
            )
        return "; ".join(parts) or NOTES_ID["impossible.seats"]

    def plan_status(self, status: str) -> str:
        """The optimiser's status (``optimal``, ``infeasible``, ``time limit reached: …``) in
        words of the page's language."""
        for prefix, key in (
            ("optimal", "plan.optimal"),
            ("infeasible", "plan.infeasible"),
            ("nothing to plan", "plan.nothing"),
            ("greedy", "plan.greedy"),
            ("time limit reached", "plan.time_limit"),
        ):
            if status.startswith(prefix):
                return self(key)
        return self("plan.stopped")


DISPLAY_ZONE = "Asia/Jakarta"  # WIB; TALENTA_TIMEZONE=Asia/Makassar (WITA), Asia/Jayapura (WIT)


@lru_cache(maxsize=8)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DISPLAY_ZONE)


def local_time(value: datetime) -> datetime:
    """A stored time (UTC; SQLite gives it back without a zone) in the agency's zone, so that a
    time reads "14.05 WIB" rather than an unlabelled UTC hour seven hours off."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_zone(os.environ.get("TALENTA_TIMEZONE") or DISPLAY_ZONE))


def local_today() -> date:
    """Today in the agency's zone: at 06.00 WIB the UTC date is still yesterday's, and a session
    form or a follow-up's due date must not open on the wrong day."""
    return local_time(datetime.now(UTC)).date()


def language(requested: str | None) -> str:
    """A supported language code: ``requested`` when supported, else the default."""
    return requested if requested in LANGUAGES else DEFAULT
