//! Accounts: sign-up, login, refresh-token rotation with reuse detection, logout.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::auth::{Actor, password, secret, session};
use crate::authz::Authz;
use crate::domain::{self, Email};
use crate::error::{AppError, AppResult};
use crate::service::is_unique_violation;
use crate::service::organization::organizations;
use crate::state::App;
use entities::{membership, organization, refresh_token, user};

pub struct SignUp {
    pub email: String,
    pub password: String,
    pub name: String,
    pub organization_name: String,
}

/// Checks the sign-up input and hashes the password; call before opening the transaction
/// (hashing takes a while and must not hold one open).
pub async fn prepare_sign_up(
    app: &App,
    client_ip: &str,
    input: SignUp,
) -> AppResult<(Email, String, String, String)> {
    app.limiter
        .hit(
            &format!("signup:ip:{client_ip}"),
            app.config.signup_limit_per_ip,
            60,
        )
        .await?;
    let email = Email::parse(&input.email)?;
    password::validate(&input.password)?;
    let name = domain::name("name", &input.name, 100)?;
    let org_name = domain::name("organizationName", &input.organization_name, 100)?;
    let hash = password::hash(input.password).await?;
    Ok((email, name, org_name, hash))
}

pub async fn sign_up(
    conn: &impl ConnectionTrait,
    (email, name, org_name, password_hash): (Email, String, String, String),
) -> AppResult<(user::Model, organization::Model)> {
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?;
    if taken.is_some() {
        return Err(conflict_email());
    }
    let user = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.as_str().to_owned()),
        name: Set(name),
        password_hash: Set(password_hash),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            conflict_email()
        } else {
            e.into()
        }
    })?;
    let slug = organizations::free_slug(conn, &org_name).await?;
    let org = organizations::insert_with_owner(conn, user.id, org_name, slug).await?;
    Ok((user, org))
}

fn conflict_email() -> AppError {
    AppError::Conflict("an account with this email already exists".into())
}

/// Checks credentials, rate limited per client IP and per (email, client IP): the email
/// itself is never locked for everyone, so an attacker guessing from one address cannot lock
/// the owner out of their account from another.
pub async fn login(app: &App, email: &str, password: String, client_ip: &str) -> AppResult<Login> {
    let limit_key = email.trim().to_lowercase();
    app.limiter
        .hit(
            &format!("login:ip:{client_ip}"),
            app.config.login_limit_per_ip,
            60,
        )
        .await?;
    // The digest keeps the key short and the address out of Redis key names.
    app.limiter
        .hit(
            &format!(
                "login:email-ip:{}",
                secret::digest(&format!("{limit_key}\n{client_ip}"))
            ),
            app.config.login_limit_per_email_ip,
            60,
        )
        .await?;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(limit_key))
        .one(&app.db)
        .await?;
    let stored = found.as_ref().map(|u| u.password_hash.clone());
    let verified = password::verify(password, stored).await?;
    Ok(match found {
        Some(user) if verified => Login::Succeeded(user),
        Some(user) => Login::WrongPassword {
            user_id: Some(user.id),
        },
        None => Login::WrongPassword { user_id: None },
    })
}

/// The outcome of checking credentials. A wrong password for an existing account is worth an
/// audit event in that account's organization (someone may be guessing); the caller is told
/// the same either way.
pub enum Login {
    Succeeded(user::Model),
    WrongPassword { user_id: Option<Uuid> },
}

pub fn wrong_credentials() -> AppError {
    AppError::Unauthenticated("wrong email or password".into())
}

/// The organization a fresh session starts in: the user's oldest membership.
pub async fn home_organization(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> AppResult<Option<organization::Model>> {
    let Some(m) = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::CreatedAt)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(organization::Entity::find_by_id(m.org_id).one(conn).await?)
}

pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub access_token_expires_at: chrono::DateTime<Utc>,
}

/// Issues an access token and a refresh token (in `family`, or a new family). The family is
/// the session the access token names.
pub async fn issue_tokens(
    conn: &impl ConnectionTrait,
    app: &App,
    user_id: Uuid,
    family: Option<Uuid>,
) -> AppResult<Tokens> {
    let refresh = secret::new_refresh_token();
    let now = Utc::now();
    let ttl = i64::try_from(app.config.refresh_token_ttl).unwrap_or(i64::MAX / 2);
    let family = family.unwrap_or_else(Uuid::now_v7);
    session::ensure(conn, family, user_id).await?;
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        family_id: Set(family),
        token_hash: Set(secret::digest(&refresh)),
        created_at: Set(now),
        expires_at: Set(now + Duration::seconds(ttl)),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(Tokens {
        access_token: app.jwt.issue(user_id, family)?,
        refresh_token: refresh,
        access_token_expires_at: now + Duration::seconds(app.jwt.ttl_secs()),
    })
}

pub enum Rotation {
    Rotated {
        user: user::Model,
        tokens: Tokens,
    },
    /// An already-exchanged token was presented again: someone holds a copy. The caller
    /// revokes the family (`revoke_family`), audits it, commits, and refuses.
    Reused {
        user_id: Uuid,
        family_id: Uuid,
    },
}

/// Exchanges a refresh token for new tokens, inside the caller's transaction: the claim of the
/// old token and the new token commit together, so a failure leaves the old one usable.
pub async fn rotate(
    conn: &impl ConnectionTrait,
    app: &App,
    presented: &str,
) -> AppResult<Rotation> {
    let invalid = || AppError::Unauthenticated("invalid or expired refresh token".into());
    let token = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(conn)
        .await?
        .ok_or_else(invalid)?;
    if token.revoked_at.is_some() || token.expires_at <= Utc::now() {
        return Err(invalid());
    }
    // Claim the token: only one exchange can set `used_at`. A concurrent exchange waits on
    // this row until we commit, then finds it used.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(token.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Ok(Rotation::Reused {
            user_id: token.user_id,
            family_id: token.family_id,
        });
    }
    let family_revoked = refresh_token::Entity::find()
        .filter(refresh_token::Column::FamilyId.eq(token.family_id))
        .filter(refresh_token::Column::RevokedAt.is_not_null())
        .count(conn)
        .await?
        > 0;
    if family_revoked {
        return Err(invalid());
    }
    let user = user::Entity::find_by_id(token.user_id)
        .one(conn)
        .await?
        .ok_or_else(invalid)?;
    let tokens = issue_tokens(conn, app, user.id, Some(token.family_id)).await?;
    Ok(Rotation::Rotated { user, tokens })
}

/// Signs a login out: its whole refresh family stops working. Unknown tokens are ignored.
pub async fn logout(conn: &impl ConnectionTrait, presented: &str) -> AppResult<Option<Uuid>> {
    let Some(token) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    revoke_family(conn, token.family_id).await?;
    Ok(Some(token.user_id))
}

/// Revokes a login: its refresh tokens and its session, so its access tokens stop working too.
pub async fn revoke_family(conn: &impl ConnectionTrait, family: Uuid) -> AppResult<()> {
    session::revoke(conn, family).await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// A signed-in user's account.
pub async fn user(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("this account no longer exists".into()))
}

/// `user_id`'s memberships in the organizations `actor` also belongs to (so listing a fellow
/// member never reveals their other organizations).
pub async fn visible_memberships(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    user_id: Uuid,
) -> AppResult<Vec<(membership::Model, organization::Model)>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut visible = Vec::with_capacity(rows.len());
    for row in rows {
        if !authz.roles_in(actor, row.org_id).await.is_empty() {
            visible.push(row);
        }
    }
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(visible.iter().map(|m| m.org_id)))
        .all(conn)
        .await?;
    Ok(visible
        .into_iter()
        .filter_map(|m| {
            let org = orgs.iter().find(|o| o.id == m.org_id)?.clone();
            Some((m, org))
        })
        .collect())
}
