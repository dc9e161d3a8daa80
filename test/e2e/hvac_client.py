"""Drives a SecretumVault server with hvac, a Vault client written by others (Debian's python3-hvac).

Usage: /usr/bin/python3 hvac_client.py URL
Exits non-zero on the first failed expectation.
"""
import sys

import hvac

url = sys.argv[1]
client = hvac.Client(url=url)

assert client.sys.is_initialized() is False
result = client.sys.initialize(secret_shares=5, secret_threshold=3)
keys, root = result["keys"], result["root_token"]
assert len(keys) == 5 and root.startswith("s.")
assert client.sys.is_sealed() is True
status = client.sys.submit_unseal_keys(keys[1:4])
assert status["sealed"] is False, status

client.token = root
assert client.is_authenticated()
client.sys.enable_secrets_engine("kv", path="secret", options={"version": "2"})
mounts = client.sys.list_mounted_secrets_engines()
assert mounts["secret/"]["options"]["version"] == "2"
assert mounts["data"]["secret/"]["type"] == "kv"  # data duplicated at top level

kv = client.secrets.kv.v2
kv.create_or_update_secret(path="app/db", secret={"password": "p1"})
kv.create_or_update_secret(path="app/db", secret={"password": "p2"}, cas=1)
try:
    kv.create_or_update_secret(path="app/db", secret={"password": "p3"}, cas=1)
    raise AssertionError("cas conflict not refused")
except hvac.exceptions.InvalidRequest:
    pass
read = kv.read_secret_version(path="app/db")
assert read["data"]["data"] == {"password": "p2"}, read
assert read["data"]["metadata"]["version"] == 2
old = kv.read_secret_version(path="app/db", version=1)
assert old["data"]["data"]["password"] == "p1"
kv.patch(path="app/db", secret={"user": "app"})
assert kv.read_secret_version(path="app/db")["data"]["data"] == {"password": "p2", "user": "app"}
kv.create_or_update_secret(path="app/cache/redis", secret={"url": "redis://x"})
# hvac lists with the LIST verb on its keep-alive session, mixed with other calls
listed = kv.list_secrets(path="app")
assert listed["data"]["keys"] == ["cache/", "db"], listed
meta = kv.read_secret_metadata(path="app/db")
assert meta["data"]["current_version"] == 3
kv.delete_secret_versions(path="app/db", versions=[3])
try:
    kv.read_secret_version(path="app/db")
    raise AssertionError("deleted version was readable")
except hvac.exceptions.InvalidPath:
    pass
kv.undelete_secret_versions(path="app/db", versions=[3])
assert kv.read_secret_version(path="app/db")["data"]["data"]["user"] == "app"
kv.destroy_secret_versions(path="app/db", versions=[1])
assert kv.read_secret_metadata(path="app/db")["data"]["versions"]["1"]["destroyed"] is True
kv.delete_metadata_and_all_versions(path="app/db")
try:
    kv.read_secret_metadata(path="app/db")
    raise AssertionError("metadata survived deletion")
except hvac.exceptions.InvalidPath:
    pass

token = client.auth.token.create(policies=["dev"], ttl="1h")
child = token["auth"]["client_token"]
looked = client.auth.token.lookup(child)
assert looked["data"]["policies"] == ["default", "dev"], looked
assert 3500 <= looked["data"]["ttl"] <= 3600
other = hvac.Client(url=url, token=child)
assert other.auth.token.lookup_self()["data"]["display_name"].startswith("token")
try:
    other.secrets.kv.v2.read_secret_version(path="app/cache/redis")
    raise AssertionError("a token without policies read a secret")
except hvac.exceptions.Forbidden:
    pass
client.auth.token.revoke(child)
assert other.is_authenticated() is False

# A batch token: never stored, sealed with the barrier's keyring, so it must outlive the key
# rotation and the seal below. hvac sends renewable=True and num_uses=0 by default.
reader = 'permit(principal in Role::"redis-reader", action == Action::"read", resource in Secret::"secret/app/cache");'
client.adapter.put("/v1/sys/policies/cedar/redis-reader", json={"policy": reader})
batch = client.auth.token.create(policies=["redis-reader"], ttl="1h", type="batch")["auth"]
assert batch["client_token"].startswith("b.") and batch["accessor"] == "", batch
assert batch["token_type"] == "batch" and batch["renewable"] is False, batch
batch_client = hvac.Client(url=url, token=batch["client_token"])
assert batch_client.auth.token.lookup_self()["data"]["type"] == "batch"
assert batch_client.secrets.kv.v2.read_secret_version(path="app/cache/redis")["data"]["data"]["url"] == "redis://x"
try:
    batch_client.auth.token.renew_self()
    raise AssertionError("a batch token was renewed")
except hvac.exceptions.InvalidRequest:
    pass
try:
    batch_client.secrets.kv.v2.read_secret_version(path="app/db")
    raise AssertionError("a batch token read beyond its policy")
except hvac.exceptions.Forbidden:
    pass

key_status = client.sys.get_encryption_key_status()
assert key_status["term"] == 1, key_status
client.sys.rotate_encryption_key()
assert client.sys.get_encryption_key_status()["data"]["term"] == 2

health = client.sys.read_health_status(method="GET")
assert health["initialized"] and not health["sealed"]

client.sys.seal()
assert client.sys.is_sealed() is True
client.sys.submit_unseal_keys([keys[0], keys[2], keys[4]])
assert kv.read_secret_version(path="app/cache/redis")["data"]["data"]["url"] == "redis://x"
assert batch_client.secrets.kv.v2.read_secret_version(path="app/cache/redis")["data"]["data"]["url"] == "redis://x"
print("hvac: all checks passed")
