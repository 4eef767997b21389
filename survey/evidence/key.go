package evidence

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Key is the instance's Ed25519 signing key. Manifests are signed with it;
// evaluators check them with the public key shown on /verify and in every
// report.
type Key struct {
	priv ed25519.PrivateKey
}

// NewKey returns a fresh random key (tests and first runs).
func NewKey() *Key {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic("evidence: no randomness: " + err.Error())
	}
	return &Key{priv: priv}
}

// LoadOrCreateKey reads the key from a PEM file (PKCS #8, the form openssl
// reads), generating one into the file with mode 0600 on first run. Several
// processes starting at once on one folder end up with the same key: the
// first to create the file wins and the others read it (CreateSecretFile).
func LoadOrCreateKey(path string) (*Key, error) {
	k, err := LoadKey(path)
	if !errors.Is(err, os.ErrNotExist) {
		return k, err
	}
	k = NewKey()
	der, err := x509.MarshalPKCS8PrivateKey(k.priv)
	if err != nil {
		return nil, fmt.Errorf("evidence: unable to encode key: %w", err)
	}
	created, err := CreateSecretFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		return nil, fmt.Errorf("evidence: unable to create signing key: %w", err)
	}
	if !created {
		return LoadKey(path)
	}
	return k, nil
}

// CreateSecretFile writes data to path with mode 0600 (creating its folder)
// unless path already exists, and reports whether it wrote it. The file
// appears whole or not at all: it is written beside path and linked into
// place, so a process starting at the same moment never reads a half-written
// key, and of two creating at once exactly one wins (the other gets false
// and reads the winner's). Before, both wrote: one O_EXCL open failed the
// start of the second node, and the HMAC secret was silently overwritten.
func CreateSecretFile(path string, data []byte) (bool, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".persepsi-key-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Sync(), tmp.Close()); err != nil {
		return false, err
	}
	err = os.Link(tmp.Name(), path)
	if errors.Is(err, os.ErrExist) {
		return false, nil
	}
	return err == nil, err
}

// LoadKey reads the key from a PEM file; a missing file gives an error
// wrapping os.ErrNotExist.
func LoadKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("evidence: unable to read signing key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("evidence: %s holds no PEM private key", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("evidence: %s: %w", path, err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("evidence: %s is not an Ed25519 key", path)
	}
	return &Key{priv: priv}, nil
}

// Public returns the public half.
func (k *Key) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// Sign signs msg.
func (k *Key) Sign(msg []byte) []byte { return ed25519.Sign(k.priv, msg) }

// PublicKeyPEM encodes a public key as a PEM "PUBLIC KEY" block (SPKI), the
// form `openssl pkeyutl -verify -pubin` reads.
func PublicKeyPEM(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("evidence: an Ed25519 key always encodes: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// Fingerprint is hex(SHA-256(raw 32-byte public key)), the short name of a
// key printed in reports.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])
}
