/** What one channel webhook call published, and what it acknowledged without publishing. */
export class ChannelDeliveryView {
  /** Messages published to `messages.inbound` (those the contract refuses among them). */
  published: number;

  /** Messages this gateway instance had published before: a redelivery, not published again. */
  duplicates: number;

  /** Published although the contract refuses them: the message filter dead-letters them with the reason. */
  invalid: number;

  /** Status updates and other notifications: acknowledged, not messages. */
  acknowledged: number;
}
