//! The permission vocabulary (resource × action) and the built-in roles' matrix. The README's
//! permission matrix and the authorization-matrix test are both driven from [`BUILTIN_ROLES`].

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Permission {
    pub resource: &'static str,
    pub action: &'static str,
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.resource, self.action)
    }
}

macro_rules! permissions {
    ($($name:ident = $resource:literal : $action:literal;)*) => {
        $(pub const $name: Permission = Permission { resource: $resource, action: $action };)*
        /// Every permission there is; custom roles are built from these.
        pub const ALL: &[Permission] = &[$($name),*];
    };
}

permissions! {
    ORGANIZATION_READ = "organization":"read";
    ORGANIZATION_MANAGE = "organization":"manage";
    MEMBER_READ = "member":"read";
    MEMBER_MANAGE = "member":"manage";
    ROLE_READ = "role":"read";
    ROLE_MANAGE = "role":"manage";
    API_KEY_READ = "api_key":"read";
    API_KEY_MANAGE = "api_key":"manage";
    AUDIT_READ = "audit":"read";
    ARCHIVE_READ = "archive":"read";
    RETENTION_MANAGE = "retention":"manage";
    CREDENTIAL_MANAGE = "credential":"manage";
    PII_POLICY_MANAGE = "pii_policy":"manage";
    PROMPT_READ = "prompt":"read";
    PROMPT_WRITE = "prompt":"write";
    PROMPT_DELETE = "prompt":"delete";
    PROMPT_DEPLOY = "prompt":"deploy";
    EXECUTION_READ = "execution":"read";
    EXECUTION_EXECUTE = "execution":"execute";
    WORKFLOW_READ = "workflow":"read";
    WORKFLOW_WRITE = "workflow":"write";
    WORKFLOW_EXECUTE = "workflow":"execute";
    WORKFLOW_DELETE = "workflow":"delete";
    WORKFLOW_DEPLOY = "workflow":"deploy";
    DATASET_READ = "dataset":"read";
    DATASET_WRITE = "dataset":"write";
    DATASET_DELETE = "dataset":"delete";
    EVALUATION_READ = "evaluation":"read";
    EVALUATION_EXECUTE = "evaluation":"execute";
}

pub fn parse(text: &str) -> Option<Permission> {
    ALL.iter().copied().find(|p| p.to_string() == text)
}

pub const OWNER: &str = "owner";
pub const ADMIN: &str = "admin";
pub const EDITOR: &str = "editor";
pub const VIEWER: &str = "viewer";

const VIEWER_PERMISSIONS: &[Permission] = &[
    ORGANIZATION_READ,
    MEMBER_READ,
    ROLE_READ,
    PROMPT_READ,
    EXECUTION_READ,
    WORKFLOW_READ,
    DATASET_READ,
    EVALUATION_READ,
];

const EDITOR_EXTRA: &[Permission] = &[
    PROMPT_WRITE,
    EXECUTION_EXECUTE,
    WORKFLOW_WRITE,
    WORKFLOW_EXECUTE,
    DATASET_WRITE,
    EVALUATION_EXECUTE,
];

const ADMIN_EXTRA: &[Permission] = &[
    MEMBER_MANAGE,
    ROLE_MANAGE,
    API_KEY_READ,
    API_KEY_MANAGE,
    AUDIT_READ,
    ARCHIVE_READ,
    CREDENTIAL_MANAGE,
    PII_POLICY_MANAGE,
    PROMPT_DELETE,
    PROMPT_DEPLOY,
    WORKFLOW_DELETE,
    WORKFLOW_DEPLOY,
    DATASET_DELETE,
];

/// A built-in role: its name and its permissions. Owners hold every permission; what only an
/// owner may do beyond that (grant or take away the owner role) is checked in the member
/// service.
pub struct BuiltinRole {
    pub name: &'static str,
    pub permissions: fn() -> Vec<Permission>,
}

pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole {
        name: OWNER,
        permissions: || ALL.to_vec(),
    },
    BuiltinRole {
        name: ADMIN,
        permissions: || [VIEWER_PERMISSIONS, EDITOR_EXTRA, ADMIN_EXTRA].concat(),
    },
    BuiltinRole {
        name: EDITOR,
        permissions: || [VIEWER_PERMISSIONS, EDITOR_EXTRA].concat(),
    },
    BuiltinRole {
        name: VIEWER,
        permissions: || VIEWER_PERMISSIONS.to_vec(),
    },
];

pub fn is_builtin(role: &str) -> bool {
    BUILTIN_ROLES.iter().any(|r| r.name == role)
}

pub fn builtin_permissions(role: &str) -> Option<Vec<Permission>> {
    BUILTIN_ROLES
        .iter()
        .find(|r| r.name == role)
        .map(|r| (r.permissions)())
}

/// The built-in roles' matrix as a Markdown table (the README holds exactly this; a test
/// keeps the two equal).
pub fn markdown_matrix() -> String {
    let mut out = String::from("| permission |");
    for role in BUILTIN_ROLES {
        out.push_str(&format!(" {} |", role.name));
    }
    out.push_str("\n|---|");
    for _ in BUILTIN_ROLES {
        out.push_str(":-:|");
    }
    out.push('\n');
    let granted: Vec<Vec<Permission>> = BUILTIN_ROLES.iter().map(|r| (r.permissions)()).collect();
    for permission in ALL {
        out.push_str(&format!("| `{permission}` |"));
        for perms in &granted {
            out.push_str(if perms.contains(permission) {
                " ✓ |"
            } else {
                " |"
            });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_parses_back() {
        for p in ALL {
            assert_eq!(parse(&p.to_string()), Some(*p));
        }
        assert_eq!(parse("prompt:fly"), None);
    }

    #[test]
    fn roles_are_nested() {
        let owner = builtin_permissions(OWNER).unwrap();
        let admin = builtin_permissions(ADMIN).unwrap();
        let editor = builtin_permissions(EDITOR).unwrap();
        let viewer = builtin_permissions(VIEWER).unwrap();
        assert!(viewer.iter().all(|p| editor.contains(p)));
        assert!(editor.iter().all(|p| admin.contains(p)));
        assert!(admin.iter().all(|p| owner.contains(p)));
        assert!(!editor.contains(&PROMPT_DEPLOY));
        assert!(!editor.contains(&WORKFLOW_DEPLOY));
        assert!(admin.contains(&WORKFLOW_DEPLOY));
        assert!(!viewer.contains(&API_KEY_MANAGE));
        // Limits and quotas are the owner's.
        assert!(owner.contains(&ORGANIZATION_MANAGE));
        assert!(!admin.contains(&ORGANIZATION_MANAGE));
        assert!(admin.contains(&ARCHIVE_READ));
        assert!(!admin.contains(&RETENTION_MANAGE));
        assert!(owner.contains(&RETENTION_MANAGE));
    }
}
