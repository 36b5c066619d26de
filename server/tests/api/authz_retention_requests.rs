//! The requests the authorization matrix sends for the retention operations, with an archive
//! made first in the target organization (once per organization) where one is needed.

use serde_json::json;

use crate::authz_requests::{Org, Request};
use crate::helpers::TestApp;
use crate::retention_helpers::an_archive;

/// Builds the request for retention operation `op` against `org`.
pub async fn request(app: &TestApp, op: &str, org: &Org) -> Request {
    let id = &org.id;
    match op {
        "retentionPolicy" => Request(
            "query($org: ID!) { retentionPolicy(orgId: $org) { retentionDays } }".into(),
            json!({ "org": id }),
        ),
        "updateRetentionPolicy" => Request(
            "mutation($org: ID!) { updateRetentionPolicy(orgId: $org, input: {retentionDays: 120}) { retentionDays } }".into(),
            json!({ "org": id }),
        ),
        "archives" => Request(
            "query($org: ID!) { archives(orgId: $org) { totalCount } }".into(),
            json!({ "org": id }),
        ),
        "restoreArchive" | "archiveRecords" => {
            let archive = an_archive(app, &org.owner).await;
            if op == "archiveRecords" {
                app.ok(
                    Some(&org.owner.token),
                    "mutation($a: ID!) { restoreArchive(input: {archiveId: $a}) { id } }",
                    json!({ "a": archive }),
                )
                .await;
                return Request(
                    "query($a: ID!) { archiveRecords(archiveId: $a) { totalCount } }".into(),
                    json!({ "a": archive }),
                );
            }
            Request(
                "mutation($a: ID!) { restoreArchive(input: {archiveId: $a}) { id } }".into(),
                json!({ "a": archive }),
            )
        }
        other => panic!("the matrix has no retention request for `{other}`: add one"),
    }
}
