// Outgoing e-mail over SMTP (nodemailer). Messages carry no PHI: callers compose them from fixed text and links.
export { createMailer, type Mailer } from './mailer.ts';
