//! Organizations and who belongs to them: the organization rows (`organizations`), members
//! (`members`), invitations (`invitations`), and the commands that change them (`commands`).
//! Roles are the access domain's: this one uses them, never the reverse.

mod commands;
pub mod invitations;
pub mod members;
pub mod organizations;

pub use commands::{
    InvitationWithOrg, accept_invitation, create_organization, decline_invitation, invite,
    remove_member, revoke_invitation, update_member_role,
};
