import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { REQUIRED, TOKEN, Text, Token, UserIds } from '../../common/dto-fields';

/** The contract's bound on one share call (API.md section 7: 1–50 distinct user ids); a vendor may take fewer. */
export const MAX_SHARE_USERS = 50;

/** `POST /images/{id}/shares` */
export class ShareImageBody {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_SHARE_USERS, uniqueItems: true, example: ['7085524801413873664'] })
  @IsDefined(REQUIRED)
  @UserIds(MAX_SHARE_USERS)
  userIds!: string[];
}

/** A user id in a path (`DELETE /images/{id}/shares/{userId}`): same rule as in a body. */
export const USER_ID = TOKEN;

export class ExportBucketDto {
  @ApiProperty({ example: 'hello1' })
  @IsDefined(REQUIRED)
  @Text(256)
  name!: string;

  @ApiProperty({ example: 'AZ0' })
  @IsDefined(REQUIRED)
  @Token(128)
  azId!: string;

  @ApiProperty({ example: 'ecs49' })
  @IsDefined(REQUIRED)
  @Token(128)
  cellId!: string;
}

/** `POST /images/{id}/export`: one of `GET /images/{id}/export-targets`. */
export class ExportImageBody {
  @ApiProperty({ type: ExportBucketDto })
  @IsDefined(REQUIRED)
  @IsObject()
  @ValidateNested()
  @Type(() => ExportBucketDto)
  bucket!: ExportBucketDto;
}
