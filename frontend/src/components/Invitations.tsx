import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { useOrg } from '../lib/org';
import '../pages/settings/invitations.css';
import { ErrorView } from './states';

const AcceptInvitation = graphql(`
  mutation InvitationsAccept($id: ID!) {
    acceptInvitation(id: $id) {
      id
      status
      organization {
        id
        name
      }
    }
  }
`);

const DeclineInvitation = graphql(`
  mutation InvitationsDecline($id: ID!) {
    declineInvitation(id: $id) {
      id
      status
    }
  }
`);

/**
 * Open invitations to the signed-in user (`me.invitations`): accept (join, then work in that
 * organization) or decline. Renders nothing when there are none.
 */
export function Invitations() {
  const { me, reload, switchTo } = useOrg();
  const [accepted, accept] = useMutation(AcceptInvitation);
  const [declined, decline] = useMutation(DeclineInvitation);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const invitations = me?.invitations ?? [];

  const status = (
    <p className="visually-hidden" role="status">
      {notice}
    </p>
  );
  if (invitations.length === 0) return status;

  const onAccept = async (id: string, orgName: string) => {
    setBusy(id);
    const done = await accept({ id });
    setBusy(null);
    if (done.data) {
      setNotice(`You joined ${orgName}.`);
      reload();
      switchTo(done.data.acceptInvitation.organization.id);
    }
  };
  const onDecline = async (id: string, orgName: string) => {
    setBusy(id);
    const done = await decline({ id });
    setBusy(null);
    if (done.data) {
      setNotice(`You declined the invitation to ${orgName}.`);
      reload();
    }
  };

  return (
    <>
      {status}
      <section className="card invitations-banner" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">
          {invitations.length === 1 ? 'You have an invitation' : `You have ${invitations.length} invitations`}
        </h2>
        <ul>
          {invitations.map((invitation) => {
            const orgName = invitation.organization.name;
            return (
              <li key={invitation.id}>
                <span>
                  Join <strong>{orgName}</strong> as <span className="badge">{invitation.role}</span>
                </span>
                <span className="row">
                  <button
                    type="button"
                    className="btn btn-primary btn-small"
                    aria-label={`Accept the invitation to ${orgName}`}
                    disabled={busy !== null}
                    onClick={() => void onAccept(invitation.id, orgName)}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Decline the invitation to ${orgName}`}
                    disabled={busy !== null}
                    onClick={() => void onDecline(invitation.id, orgName)}
                  >
                    Decline
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
        <ErrorView error={accepted.error ?? declined.error} />
      </section>
    </>
  );
}
