# METADATA
# title: Finding constructor
# description: >-
#   Every rule reports through `finding`, so every engine sees the same shape:
#   `ref` (position in the reviewed objects), `path` (inside that object) and `msg`.
# scope: package
package podauth.lib.result

finding(ref, path, msg) := {"ref": ref, "path": path, "msg": msg}
