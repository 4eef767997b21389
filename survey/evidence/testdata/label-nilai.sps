* Label variabel dan nilai untuk responden.csv (Persepsi), unit 1, periode 2025-03-01 s.d. 2025-03-31.
GET DATA /TYPE=TXT /FILE='responden.csv' /ENCODING='UTF8' /ARRANGEMENT=DELIMITED /DELIMITERS="," /QUALIFIER='"' /FIRSTCASE=2
  /VARIABLES=
    ref A4000
    unit F12.0
    tanggal A10
    jam A5
    saluran A5
    layanan F12.0
    loket F12.0
    kuesioner A13
    SPKP1 F12.0
    SPKP2 F12.0
    SPKP3 F12.0
    SPKP4 F12.0
    SPKP5 F12.0
    SPKP6 F12.0
    SPKP7 F12.0
    SPKP8 F12.0
    SPAK1 F12.0
    SPAK2 F12.0
    SPAK3 F12.0
    SPAK4 F12.0
    SPAK5 F12.0
    usia A13
    jenis_kelamin A1
    pendidikan A5
    pekerjaan A9
    kontrol A5
    saran A4000
    dikecualikan F12.0
    alasan_pengecualian A4000
    rantai_hash A64
    rantai_acuan F12.0
    periode A4000
    k_anonim F12.0.
VARIABLE LABELS
  ref 'Acuan publik respons (acak; tidak mengikuti urutan kedatangan)'
  /unit 'ID unit layanan'
  /tanggal 'Tanggal pengisian (hari lokal unit, TTTT-BB-HH; * bila disamarkan demi anonimitas)'
  /jam 'Waktu pengisian (waktu lokal unit): jam penuh (09:00), bagian hari atau * (disamarkan), menurut tingkat generalisasi pada kodebuku'
  /saluran 'Saluran pengisian'
  /layanan 'Jenis layanan yang diterima'
  /loket 'Loket tempat kode QR dipindai'
  /kuesioner 'Versi kuesioner'
  /SPKP1 'Informasi pelayanan pada unit layanan ini tersedia melalui media elektronik maupun non elektronik'
  /SPKP2 'Persyaratan pelayanan yang diinformasikan sesuai dengan persyaratan yang ditetapkan unit layanan ini'
  /SPKP3 'Prosedur/Alur pelayanan yang ditetapkan unit layanan ini mudah diikuti/dilakukan'
  /SPKP4 'Jangka waktu penyelesaian pelayanan yang diterima Bapak/Ibu sesuai dengan yang ditetapkan unit layanan ini'
  /SPKP5 'Tarif/Biaya pelayanan yang dibayarkan pada unit layanan ini sesuai dengan tarif/biaya yang ditetapkan'
  /SPKP6 'Sarana prasarana pendukung pelayanan/sistem pelayanan online yang disediakan unit layanan ini memberikan kenyamanan/mudah digunakan'
  /SPKP7 'Petugas pelayanan/sistem pelayanan online pada unit layanan ini merespon keperluan Bapak/Ibu dengan cepat'
  /SPKP8 'Layanan konsultasi dan pengaduan yang disediakan unit layanan ini mudah digunakan/diakses'
  /SPAK1 'Tidak ada diskriminasi pelayanan pada unit layanan ini'
  /SPAK2 'Tidak ada pelayanan diluar prosedur/kecurangan pelayanan pada unit layanan ini'
  /SPAK3 'Tidak ada penerimaan imbalan uang/barang/fasilitas diluar ketentuan yang berlaku pada unit layanan ini'
  /SPAK4 'Tidak ada pungutan liar (pungli) pada unit layanan ini'
  /SPAK5 'Tidak ada percaloan/perantara tidak resmi pada unit layanan ini'
  /usia 'Usia (kosong: tidak diisi)'
  /jenis_kelamin 'Jenis kelamin (kosong: tidak diisi)'
  /pendidikan 'Pendidikan terakhir (kosong: tidak diisi)'
  /pekerjaan 'Pekerjaan (kosong: tidak diisi)'
  /kontrol 'Pertanyaan kontrol: apakah ada petugas yang mengarahkan jawaban?'
  /saran 'Saran responden (teks bebas)'
  /dikecualikan 'Dikecualikan dari perhitungan indeks'
  /alasan_pengecualian 'Alasan, pemutus dan waktu pengecualian'
  /rantai_hash 'Daun Merkle respons (SHA-256 bergaram, heksadesimal); dapat dicocokkan dengan server, tidak dapat ditebak dari isi baris'
  /rantai_acuan 'Posisi rantai saat ekspor dibuat (nomor urut kepala rantai)'
  /periode 'Periode ekspor (hari pertama/hari terakhir, TTTT-BB-HH/TTTT-BB-HH)'
  /k_anonim 'k dari k-anonimitas yang dipenuhi baris ekspor (lihat aturan pada kodebuku)'.
VALUE LABELS
  saluran 'qr' 'Kode QR di loket' 'kiosk' 'Kios/tablet di lokasi' 'api' 'Aplikasi lain melalui API'
  /layanan 2 'Non Perizinan' 1 'Perizinan Usaha'
  /loket 1 'Loket 1'
  /kuesioner 'spkp-spak-6@1' 'Survei Persepsi Kualitas Pelayanan dan Anti Korupsi (skala 1–6)'
  /SPKP1 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPKP2 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPKP3 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPKP4 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPKP5 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPKP6 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPKP7 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPKP8 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPAK1 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPAK2 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPAK3 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPAK4 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /SPAK5 1 'Sangat tidak sesuai' 2 'Tidak sesuai' 3 'Kurang sesuai' 4 'Cukup sesuai' 5 'Sesuai' 6 'Sangat sesuai'
  /usia '< 20 tahun' '< 20 tahun' '20–29 tahun' '20–29 tahun' '30–39 tahun' '30–39 tahun' '40–49 tahun' '40–49 tahun' '50–59 tahun' '50–59 tahun' '≥ 60 tahun' '≥ 60 tahun'
  /jenis_kelamin 'L' 'Laki-laki' 'P' 'Perempuan'
  /pendidikan 'SD' 'SD ke bawah' 'SMP' 'SMP' 'SMA' 'SMA/sederajat' 'D1-D3' 'D1–D3' 'S1' 'S1/D4' 'S2' 'S2' 'S3' 'S3'
  /pekerjaan 'PNS' 'PNS' 'TNI' 'TNI' 'POLRI' 'POLRI' 'Swasta' 'Pegawai swasta' 'Wirausaha' 'Wirausaha' 'Lainnya' 'Lainnya'
  /kontrol 'Ya' 'Ya (diarahkan)' 'Tidak' 'Tidak'
  /dikecualikan 0 'Tidak' 1 'Ya'.
EXECUTE.
