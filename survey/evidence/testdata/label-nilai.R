# Label variabel dan nilai untuk responden.csv (Persepsi), unit 1, periode 2025-03-01 s.d. 2025-03-31.
d <- read.csv("responden.csv", encoding = "UTF-8", stringsAsFactors = FALSE, na.strings = "")
attr(d[["ref"]], "label") <- "Acuan publik respons (acak; tidak mengikuti urutan kedatangan)"
attr(d[["unit"]], "label") <- "ID unit layanan"
attr(d[["tanggal"]], "label") <- "Tanggal pengisian (hari lokal unit, TTTT-BB-HH; * bila disamarkan demi anonimitas)"
attr(d[["jam"]], "label") <- "Waktu pengisian (waktu lokal unit): jam penuh (09:00), bagian hari atau * (disamarkan), menurut tingkat generalisasi pada kodebuku"
d[["saluran"]] <- factor(d[["saluran"]], levels = c("qr", "kiosk", "api"), labels = c("Kode QR di loket", "Kios/tablet di lokasi", "Aplikasi lain melalui API"))
attr(d[["saluran"]], "label") <- "Saluran pengisian"
attr(d[["layanan"]], "labels") <- c("Non Perizinan" = 2, "Perizinan Usaha" = 1)
attr(d[["layanan"]], "label") <- "Jenis layanan yang diterima"
attr(d[["loket"]], "labels") <- c("Loket 1" = 1)
attr(d[["loket"]], "label") <- "Loket tempat kode QR dipindai"
d[["kuesioner"]] <- factor(d[["kuesioner"]], levels = c("spkp-spak-6@1"), labels = c("Survei Persepsi Kualitas Pelayanan dan Anti Korupsi (skala 1–6)"))
attr(d[["kuesioner"]], "label") <- "Versi kuesioner"
attr(d[["SPKP1"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP1"]], "label") <- "Informasi pelayanan pada unit layanan ini tersedia melalui media elektronik maupun non elektronik"
attr(d[["SPKP2"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP2"]], "label") <- "Persyaratan pelayanan yang diinformasikan sesuai dengan persyaratan yang ditetapkan unit layanan ini"
attr(d[["SPKP3"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP3"]], "label") <- "Prosedur/Alur pelayanan yang ditetapkan unit layanan ini mudah diikuti/dilakukan"
attr(d[["SPKP4"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP4"]], "label") <- "Jangka waktu penyelesaian pelayanan yang diterima Bapak/Ibu sesuai dengan yang ditetapkan unit layanan ini"
attr(d[["SPKP5"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP5"]], "label") <- "Tarif/Biaya pelayanan yang dibayarkan pada unit layanan ini sesuai dengan tarif/biaya yang ditetapkan"
attr(d[["SPKP6"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP6"]], "label") <- "Sarana prasarana pendukung pelayanan/sistem pelayanan online yang disediakan unit layanan ini memberikan kenyamanan/mudah digunakan"
attr(d[["SPKP7"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP7"]], "label") <- "Petugas pelayanan/sistem pelayanan online pada unit layanan ini merespon keperluan Bapak/Ibu dengan cepat"
attr(d[["SPKP8"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPKP8"]], "label") <- "Layanan konsultasi dan pengaduan yang disediakan unit layanan ini mudah digunakan/diakses"
attr(d[["SPAK1"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPAK1"]], "label") <- "Tidak ada diskriminasi pelayanan pada unit layanan ini"
attr(d[["SPAK2"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPAK2"]], "label") <- "Tidak ada pelayanan diluar prosedur/kecurangan pelayanan pada unit layanan ini"
attr(d[["SPAK3"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPAK3"]], "label") <- "Tidak ada penerimaan imbalan uang/barang/fasilitas diluar ketentuan yang berlaku pada unit layanan ini"
attr(d[["SPAK4"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPAK4"]], "label") <- "Tidak ada pungutan liar (pungli) pada unit layanan ini"
attr(d[["SPAK5"]], "labels") <- c("Sangat tidak sesuai" = 1, "Tidak sesuai" = 2, "Kurang sesuai" = 3, "Cukup sesuai" = 4, "Sesuai" = 5, "Sangat sesuai" = 6)
attr(d[["SPAK5"]], "label") <- "Tidak ada percaloan/perantara tidak resmi pada unit layanan ini"
d[["usia"]] <- factor(d[["usia"]], levels = c("< 20 tahun", "20–29 tahun", "30–39 tahun", "40–49 tahun", "50–59 tahun", "≥ 60 tahun"), labels = c("< 20 tahun", "20–29 tahun", "30–39 tahun", "40–49 tahun", "50–59 tahun", "≥ 60 tahun"))
attr(d[["usia"]], "label") <- "Usia (kosong: tidak diisi)"
d[["jenis_kelamin"]] <- factor(d[["jenis_kelamin"]], levels = c("L", "P"), labels = c("Laki-laki", "Perempuan"))
attr(d[["jenis_kelamin"]], "label") <- "Jenis kelamin (kosong: tidak diisi)"
d[["pendidikan"]] <- factor(d[["pendidikan"]], levels = c("SD", "SMP", "SMA", "D1-D3", "S1", "S2", "S3"), labels = c("SD ke bawah", "SMP", "SMA/sederajat", "D1–D3", "S1/D4", "S2", "S3"))
attr(d[["pendidikan"]], "label") <- "Pendidikan terakhir (kosong: tidak diisi)"
d[["pekerjaan"]] <- factor(d[["pekerjaan"]], levels = c("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya"), labels = c("PNS", "TNI", "POLRI", "Pegawai swasta", "Wirausaha", "Lainnya"))
attr(d[["pekerjaan"]], "label") <- "Pekerjaan (kosong: tidak diisi)"
d[["kontrol"]] <- factor(d[["kontrol"]], levels = c("Ya", "Tidak"), labels = c("Ya (diarahkan)", "Tidak"))
attr(d[["kontrol"]], "label") <- "Pertanyaan kontrol: apakah ada petugas yang mengarahkan jawaban?"
attr(d[["saran"]], "label") <- "Saran responden (teks bebas)"
attr(d[["dikecualikan"]], "labels") <- c("Tidak" = 0, "Ya" = 1)
attr(d[["dikecualikan"]], "label") <- "Dikecualikan dari perhitungan indeks"
attr(d[["alasan_pengecualian"]], "label") <- "Alasan, pemutus dan waktu pengecualian"
attr(d[["rantai_hash"]], "label") <- "Daun Merkle respons (SHA-256 bergaram, heksadesimal); dapat dicocokkan dengan server, tidak dapat ditebak dari isi baris"
attr(d[["rantai_acuan"]], "label") <- "Posisi rantai saat ekspor dibuat (nomor urut kepala rantai)"
attr(d[["periode"]], "label") <- "Periode ekspor (hari pertama/hari terakhir, TTTT-BB-HH/TTTT-BB-HH)"
attr(d[["k_anonim"]], "label") <- "k dari k-anonimitas yang dipenuhi baris ekspor (lihat aturan pada kodebuku)"
