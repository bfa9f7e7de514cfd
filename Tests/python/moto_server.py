#!/usr/bin/env python3
"""moto_server with two small patches, for the tests that need them.

AWS accepts `sts:AssumeRoleWithWebIdentity` unsigned (botocore's STS model gives it
`"authtype": "none"`: the web identity token is the proof), but moto, once signature checking is
on, rejects every request without a signature. The patch lets that one action through moto's
authenticator; everything else is checked as before. moto still does not verify the token.

AWS restores and copies a cluster snapshot another account shared by its ARN
(RestoreDBClusterFromSnapshot's SnapshotIdentifier, CopyDBClusterSnapshot's
SourceDBClusterSnapshotIdentifier), and refuses with DBClusterSnapshotNotFoundFault when it is not
shared with the caller's account. moto drops the ARN's account and looks the name up in the
caller's own account. The second patch resolves an ARN of another account in that account's
backend and applies the share rule (the `restore` attribute holds the caller's account or `all`);
names and same-account ARNs are looked up as before.

When AWS renames a cluster (ModifyDBCluster NewDBClusterIdentifier), its instances follow: their
DBClusterIdentifier is the new name. moto keeps the old name on them, and lets a rename replace a
cluster that already holds the new name. The third patch moves the instances and refuses a taken
name with DBClusterAlreadyExistsFault, as AWS does.

usage: moto_server.py [moto_server options]   (the same as moto_server's)
"""
import sys

from moto.core import authorization

UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity"}
_check = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action


def _authenticate_unless_unsigned(self, iam_request_cls, resource="*"):
    if self._get_action() in UNSIGNED_ACTIONS:
        return None
    return _check(self, iam_request_cls, resource)


authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_unless_unsigned

from moto.rds import models as rds_models
from moto.rds.exceptions import DBClusterSnapshotNotFoundError, RDSClientError
from moto.rds.utils import split_arn

_get_snapshot = rds_models.RDSBackend.get_snapshot
_restore = rds_models.RDSBackend.restore_db_cluster_from_snapshot
_modify_cluster = rds_models.RDSBackend.modify_db_cluster


def _get_snapshot_across_accounts(self, identifier, resource_type, not_found_exception):
    if resource_type is rds_models.DBClusterSnapshot and identifier.startswith("arn:"):
        region, account, _, name = split_arn(identifier)
        if account != self.account_id:
            snapshot = rds_models.rds_backends[account][region].cluster_snapshots.get(name)
            if snapshot is None or not {self.account_id, "all"} & set(snapshot.attributes["restore"]):
                raise DBClusterSnapshotNotFoundError(identifier)
            return snapshot
    return _get_snapshot(self, identifier, resource_type, not_found_exception)


def _restore_across_accounts(self, from_snapshot_id, overrides):
    if not from_snapshot_id.startswith("arn:") or split_arn(from_snapshot_id)[1] == self.account_id:
        return _restore(self, from_snapshot_id, overrides)
    props = dict(self.get_db_cluster_snapshot(from_snapshot_id).cluster.get_cfg())
    props.update({key: value for key, value in overrides.items() if value})
    return self.create_db_cluster(props)


def _modify_cluster_moving_instances(self, kwargs):
    old, new = kwargs["db_cluster_identifier"], kwargs.get("new_db_cluster_identifier")
    if new and new != old and new in self.clusters:
        raise RDSClientError("DBClusterAlreadyExistsFault", "DB Cluster already exists")
    cluster = _modify_cluster(self, kwargs)
    if new and new != old:
        for instance in self.databases.values():
            if getattr(instance, "db_cluster_identifier", None) == old:
                instance.db_cluster_identifier = new
    return cluster


rds_models.RDSBackend.get_snapshot = _get_snapshot_across_accounts
rds_models.RDSBackend.restore_db_cluster_from_snapshot = _restore_across_accounts
rds_models.RDSBackend.modify_db_cluster = _modify_cluster_moving_instances

if __name__ == "__main__":
    from moto.server import main
    sys.exit(main(sys.argv[1:]))
